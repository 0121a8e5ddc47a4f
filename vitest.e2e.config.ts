import { defineConfig } from 'vitest/config'

// End-to-end: a real `wrangler dev` over HTTP, and the page in headless Chromium. One file at a time
// (each starts its own server on its own port).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts', 'test/browser/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
