// `npm run deploy [-- --dry-run] [--allow-no-model]`: checks the default model (manifest valid,
// sha256 of the .onnx matches), builds the Worker with `wrangler deploy --dry-run --outdir dist`,
// reports the bundle size (raw and gzip) against the Workers limits, then runs `wrangler deploy`
// unless --dry-run. After a deploy with a new model, re-embed existing sets (README: Deploying).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { validateManifest } from '../src/core'
import { buildBundle, planVerdict, WORKER_LIMITS } from './bundle-size'

const MiB = 1024 * 1024
const args = process.argv.slice(2)
const dryRun = args.includes('--dry-run')
const allowNoModel = args.includes('--allow-no-model')
const fail = (msg: string): never => {
  console.error(`deploy: ${msg}`)
  process.exit(1)
}
const fmt = (n: number) => `${(n / 1024).toFixed(0)} KiB`

/** Reads models/default.ts's imports and checks the manifest and the model's sha256. */
function checkModel(): void {
  const src = readFileSync('models/default.ts', 'utf8')
  const onnx = /from '\.\/([^']+\.onnx)'/.exec(src)?.[1]
  const json = /from '\.\/([^']+\.json)'/.exec(src)?.[1]
  if (!onnx || !json) {
    if (allowNoModel)
      return console.log('model: none (models/default.ts is the placeholder); --allow-no-model')
    return fail(
      'models/default.ts names no model; run `npm run export -- --default` (or pass --allow-no-model)',
    )
  }
  let manifest
  try {
    manifest = validateManifest(JSON.parse(readFileSync(join('models', json), 'utf8')))
  } catch (err) {
    return fail(`models/${json}: ${err instanceof Error ? err.message : err}`)
  }
  const bytes = readFileSync(join('models', onnx))
  const sha = createHash('sha256').update(bytes).digest('hex')
  if (sha !== manifest.sha256)
    fail(`models/${onnx}: sha256 ${sha} does not match its manifest (${manifest.sha256})`)
  const oneShot = manifest.eval.results.find((r) => r.ways === 20 && r.shots === 1)
  const acc = oneShot
    ? `, 20-way 1-shot ${(100 * oneShot.accuracy).toFixed(1)}% ±${(100 * oneShot.ci95).toFixed(1)}`
    : ''
  console.log(`model: ${manifest.id} v${manifest.version} (${fmt(bytes.length)}, sha256 ok${acc})`)
}

/** Builds into dist/ and prints raw and gzip sizes of what would be uploaded. */
function buildAndMeasure(): void {
  let size
  try {
    size = buildBundle('dist')
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err))
  }
  console.log('\nbundle (dist/):')
  for (const f of [...size.files, { name: 'total', raw: size.raw, gzip: size.gzip }])
    console.log(
      `  ${f.name.padEnd(60)} ${fmt(f.raw).padStart(10)} ${fmt(f.gzip).padStart(10)} gzip`,
    )
  if (size.wranglerLine) console.log(`  wrangler: ${size.wranglerLine}`)
  console.log(`  gzip ${(size.gzip / MiB).toFixed(2)} MiB: ${planVerdict(size.gzip)}`)
  if (size.gzip > WORKER_LIMITS.paid) fail('bundle over the 10 MiB limit')
}

checkModel()
buildAndMeasure()
if (dryRun) {
  console.log('\n--dry-run: built and checked; nothing deployed')
  process.exit(0)
}
if (/id = "0{32}"/.test(readFileSync('wrangler.toml', 'utf8')))
  fail(
    'wrangler.toml still has the placeholder KV id: `wrangler kv namespace create SUPPORT_KV`, then set it',
  )
const deployed = spawnSync('node_modules/.bin/wrangler', ['deploy'], { stdio: 'inherit' })
if (deployed.status !== 0) fail('wrangler deploy failed')
console.log(
  '\ndeployed. Sets embedded with an older model answer 409 until POST /v1/sets/:id/reembed',
)
console.log('(GET /v1/sets lists reembedRequired per set). Keys: `wrangler secret put API_KEYS`.')
