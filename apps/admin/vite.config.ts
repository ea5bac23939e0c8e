/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type ProxyOptions } from 'vite';

/** Where the NestJS server listens during development (`PORT`, 3000 by default). */
const apiTarget = process.env.SWITCHBOARD_API_TARGET ?? 'http://127.0.0.1:3000';

const proxy: Record<string, ProxyOptions> = {
  '/api': { target: apiTarget },
  '/broadcasting': { target: apiTarget },
  '/socket.io': { target: apiTarget, ws: true },
};

export default defineConfig({
  plugins: [vue()],
  // vue-i18n's build flags: Composition API only (the legacy API is shaken out), no devtools
  // hooks in production; messages stay plain objects compiled by its CSP-safe JIT compiler.
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_DROP_MESSAGE_COMPILER__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  resolve: {
    alias: [
      { find: '@', replacement: fileURLToPath(new URL('./src', import.meta.url)) },
      // Exact match only: the browser must never get `@switchboard/contracts/node`.
      {
        find: /^@switchboard\/contracts$/,
        replacement: fileURLToPath(new URL('../../libs/contracts/src/index.ts', import.meta.url)),
      },
    ],
  },
  server: { proxy },
  preview: { proxy },
  build: { outDir: 'dist', emptyOutDir: true },
  // Unit specs sit beside the code (`*.spec.ts`) and run in a simulated DOM (`npm test`).
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.spec.ts'],
    mockReset: true,
  },
});
