import { defineConfig } from 'vitest/config'

// Unit tests that run in Node: the shared core, the training toolkit, the benches' helpers, the
// demo page's script (its pure parts), the scripts' checks, the command-line client's pure parts.
export default defineConfig({
  test: {
    include: [
      'test/core/**/*.test.ts',
      'test/train/**/*.test.ts',
      'test/bench/**/*.test.ts',
      'test/page/**/*.test.ts',
      'test/scripts/**/*.test.ts',
      'test/cli/**/*.test.ts',
    ],
    exclude: ['test/**/*.workerd.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
