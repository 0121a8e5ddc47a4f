/** The bindings the development-key rules read (a structural slice of Bindings). */
export interface DevVars {
  DEV_API_KEY?: string
  ENVIRONMENT?: string
}

/**
 * The development key, or null when this Worker must not accept it. It is accepted only when
 * `ENVIRONMENT` is exactly `development`, which only `.dev.vars` sets (read by `wrangler dev`,
 * never uploaded by `wrangler deploy`; `npm run deploy` refuses a wrangler.toml whose vars set it
 * or DEV_API_KEY). A deployed Worker without ENVIRONMENT is production: a DEV_API_KEY secret put
 * there by mistake still opens nothing.
 *
 * @example
 * devKey({ DEV_API_KEY: 'k', ENVIRONMENT: 'development' }) // 'k'
 * devKey({ DEV_API_KEY: 'k' }) // null
 */
export function devKey(env: DevVars | undefined): string | null {
  const key = env?.DEV_API_KEY
  return key && env?.ENVIRONMENT === 'development' ? key : null
}
