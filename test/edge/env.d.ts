// `env` from 'cloudflare:workers' in tests has the Worker's bindings.
import type { Bindings } from '../../src/edge/env'

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {}
  }
}
