import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'
import { buildPage } from './scripts/build-page.mjs'

// The Worker imports the page's bundled script; the pool runs no wrangler custom build.
await buildPage()

// Tests that run inside workerd with real Miniflare KV and Durable Objects.
export default defineConfig({
  plugins: [
    cloudflareTest({
      main: './src/edge/index.ts',
      wrangler: { configPath: './wrangler.toml' },
      // Two tenants for the edge isolation tests: keys 'test-key-alpha' and 'test-key-beta'.
      miniflare: {
        // The suite sends far more than a minute's worth of requests per key: the real limiters
        // are raised here, and test/edge/rate-limit.test.ts swaps in the tight ones.
        ratelimits: {
          KEY_LIMITER: { simple: { limit: 1_000_000, period: 60 } },
          TENANT_LIMITER: { simple: { limit: 1_000_000, period: 60 } },
          AUTH_FAIL_LIMITER: { simple: { limit: 1_000_000, period: 60 } },
          TIGHT_KEY: { simple: { limit: 3, period: 60 } },
          TIGHT_TENANT: { simple: { limit: 3, period: 60 } },
          TIGHT_AUTH: { simple: { limit: 3, period: 60 } },
        },
        bindings: {
          // The dev key is accepted only with ENVIRONMENT=development (as .dev.vars sets it).
          ENVIRONMENT: 'development',
          DEV_API_KEY: 'test-dev-key',
          // Storage is reset between tests while an isolate lives on: no cached catalogue.
          CATALOGUE_CACHE_MS: '0',
          API_KEYS: [
            'alpha:d1a9c70d19c81f247d9a6c57b2a6bb48212cc202e49a432e16025a9d5d3fa8d3',
            'beta:038833737202aaf8dd73da38fc2bdef7b37ac9dffb7832e626094221bd84421d',
          ].join('\n'),
        },
      },
    }),
  ],
  test: {
    include: ['test/edge/**/*.test.ts', 'test/core/**/*.workerd.test.ts'],
    testTimeout: 60_000,
  },
})
