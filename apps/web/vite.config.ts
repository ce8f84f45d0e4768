import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defaultClientConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  resolve: {
    // The workspace SDK from its TypeScript source (as typecheck does), so the bundle never depends on
    // whether the SDK's own build is current.
    conditions: ['@gpu-shopper/source', ...defaultClientConditions],
    // The SDK imports `randomUUID` from node:crypto (its idempotency keys); the browser build gets the
    // same function from Web Crypto. `crypto.randomUUID` exists only in secure contexts, so the shim
    // builds the UUID from `getRandomValues`, which a console served over plain http on a LAN has too.
    alias: { 'node:crypto': fileURLToPath(new URL('./src/shims/node-crypto.ts', import.meta.url)) },
  },
  // `pnpm dev`: the API server (pnpm start) answers on :8080; the page stays same-origin through this proxy.
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080' },
  },
  build: {
    outDir: 'dist',
    // No inline script anywhere: the server's Content-Security-Policy forbids it.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-support/setup.ts'],
    // A ceiling, not a wait: a rendering test that takes 1 s idle can take many on a loaded machine.
    testTimeout: 60_000,
  },
});
