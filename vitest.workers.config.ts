import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'

// Tests that run inside workerd with real Miniflare KV and Durable Objects.
export default defineConfig({
  plugins: [
    cloudflareTest({
      main: './src/edge/index.ts',
      wrangler: { configPath: './wrangler.toml' },
      miniflare: { bindings: { DEV_API_KEY: 'test-dev-key', API_KEYS: '' } },
    }),
  ],
  test: {
    include: ['test/edge/**/*.test.ts', 'test/core/**/*.workerd.test.ts'],
    testTimeout: 60_000,
  },
})
