// Where e2e tests and benchmarks get a Worker with a model: the real entry when models/default
// has one, else the same app over the tiny fixture model (a temporary wrangler config whose
// `main` is test/edge/fixtures/worker.ts).
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** True when models/default.ts exports a model (not the null placeholder). */
export function hasDefaultModel(): boolean {
  const src = readFileSync('models/default.ts', 'utf8')
  return !/export const model[^=]*=\s*null\b/.test(src)
}

/**
 * A wrangler config for `dir`: undefined (use ./wrangler.toml) when the default model exists,
 * else a copy of wrangler.toml pointing at the fixture worker.
 */
export function devConfig(
  dir: string,
  forceFixture = false,
): { config?: string; model: 'default' | 'fixture' } {
  if (!forceFixture && hasDefaultModel()) return { model: 'default' }
  const toml = readFileSync('wrangler.toml', 'utf8').replace(
    /^main = .*$/m,
    `main = ${JSON.stringify(resolve('test/edge/fixtures/worker.ts'))}`,
  )
  const config = join(dir, 'wrangler.toml')
  writeFileSync(config, toml)
  return { config, model: 'fixture' }
}
