import type { ModelCatalogue, ModelStore } from './models'
import type { SupportSetStore } from './storage/support-set.do'
import type { TenantStore } from './storage/tenant.do'
import type { ServerTiming } from './timing'

/** Bindings from wrangler.toml, secrets and `.dev.vars`. */
export interface Bindings {
  SUPPORT_KV: KVNamespace
  SUPPORT_SET: DurableObjectNamespace<SupportSetStore>
  TENANTS: DurableObjectNamespace<TenantStore>
  /** The deployment's model catalogue (one object, "main"). */
  CATALOGUE: DurableObjectNamespace<ModelCatalogue>
  /** The model store: `<id>/<sha256>.onnx` objects. */
  MODELS: R2Bucket
  /** Secret: SHA-256 hex of each admin key (one per line, optionally `name:hex`), for /admin. */
  ADMIN_KEYS?: string
  /** How long an isolate reuses the catalogue it read, in ms (default 5000; tests use 0). */
  CATALOGUE_CACHE_MS?: string
  /** Secret: `tenant:sha256hex` lines or JSON (see auth/keys.ts). Never the keys themselves. */
  API_KEYS?: string
  /** Local development only (`.dev.vars`): this key is accepted as tenant `dev`. */
  DEV_API_KEY?: string
  ENVIRONMENT?: string
  /** Requests per API key (wrangler.toml `[[ratelimits]]`; RATE_LIMITS in limits.ts). */
  KEY_LIMITER?: RateLimit
  /** Requests per tenant, all its keys together. */
  TENANT_LIMITER?: RateLimit
  /** Failed authentications per client address (CF-Connecting-IP). */
  AUTH_FAIL_LIMITER?: RateLimit
}

/** Per-request values set by middleware. */
export interface Variables {
  /** The tenant that the bearer key belongs to (set by the auth middleware on /v1). */
  tenant: string
  /** Which key authenticated (a prefix of its SHA-256, never the key), for per-key limits. */
  keyId: string
  /** The models this deployment serves (set by createApp). */
  models: ModelStore
  /** Phase times of this request, sent as `Server-Timing` (set by createApp). */
  timing: ServerTiming
}

/** The one Hono environment type used by every router in src/edge. */
export interface AppEnv {
  Bindings: Bindings
  Variables: Variables
}
