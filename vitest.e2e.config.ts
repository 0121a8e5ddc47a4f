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
    // expect.poll waits for the page or a server to catch up: 1 s (vitest's default) is too
    // short on a loaded 2-core machine (a CI run timed out adding a class to the demo page)
    expect: { poll: { timeout: 15_000, interval: 50 } },
  },
})
