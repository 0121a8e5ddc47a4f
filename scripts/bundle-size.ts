// Builds the Worker like `wrangler deploy` would (no upload) and measures what would be uploaded.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

/** Workers' compressed size limits. */
export const WORKER_LIMITS = { free: 3 * 1024 * 1024, paid: 10 * 1024 * 1024 }

export interface BundleSize {
  files: { name: string; raw: number; gzip: number }[]
  raw: number
  gzip: number
  /** wrangler's own "Total Upload: ..." line. */
  wranglerLine: string | null
}

/** `wrangler deploy --dry-run --outdir <outdir>` (optionally with another config), then sizes. */
export function buildBundle(outdir: string, config?: string): BundleSize {
  rmSync(outdir, { recursive: true, force: true })
  const page = spawnSync(process.execPath, ['scripts/build-page.mjs'], { encoding: 'utf8' })
  if (page.status !== 0) throw new Error(`page script build failed:\n${page.stderr}`)
  const args = ['deploy', '--dry-run', '--outdir', outdir, ...(config ? ['--config', config] : [])]
  const r = spawnSync('node_modules/.bin/wrangler', args, {
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  })
  if (r.status !== 0) throw new Error(`wrangler build failed:\n${r.stdout}\n${r.stderr}`)
  const names = readdirSync(outdir, { recursive: true, encoding: 'utf8' }).filter(
    (f) => statSync(join(outdir, f)).isFile() && !f.endsWith('.map') && f !== 'README.md',
  )
  const files = names.map((name) => {
    const data = readFileSync(join(outdir, name))
    return { name, raw: data.length, gzip: gzipSync(data, { level: 9 }).length }
  })
  return {
    files,
    raw: files.reduce((n, f) => n + f.raw, 0),
    gzip: files.reduce((n, f) => n + f.gzip, 0),
    wranglerLine: /Total Upload:[^\n]*/.exec(r.stdout)?.[0]?.trim() ?? null,
  }
}

/** Which plan a compressed size fits. */
export function planVerdict(gzip: number): string {
  if (gzip <= WORKER_LIMITS.free) return 'fits the Free plan (3 MiB gzip)'
  if (gzip <= WORKER_LIMITS.paid)
    return 'needs the Workers Paid plan (10 MiB gzip; Free allows 3 MiB)'
  return 'too large even for the Paid plan (10 MiB gzip)'
}
