// `env` from 'cloudflare:workers' in tests has the Worker's bindings.
import type { Bindings } from '../../src/edge/env'

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      /** Limit 3 per 60 s (vitest.workers.config.ts), for test/edge/rate-limit.test.ts. */
      TIGHT_KEY: RateLimit
      TIGHT_TENANT: RateLimit
      TIGHT_AUTH: RateLimit
    }
  }
}
