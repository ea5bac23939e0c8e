/// <reference types="vite/client" />

// For tools that read .ts files without Vue support (typescript-eslint); vue-tsc resolves
// the real .vue files and ignores this fallback.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
