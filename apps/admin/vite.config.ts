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
