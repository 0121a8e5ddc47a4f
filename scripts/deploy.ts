// `npm run deploy [-- --dry-run]`: refuses a wrangler.toml that would make the deployed Worker
// accept the dev key (scripts/deploy-check.ts), checks every model models/catalogue.json lists (manifest valid,
// sha256 of the .onnx matches), builds the Worker with `wrangler deploy --dry-run --outdir dist`,
// reports the bundle size (raw and gzip) against the Workers limits, then runs `wrangler deploy`
// unless --dry-run. The bundle holds code and the ORT wasm only: models live in the MODELS R2
// bucket and are published separately (`npm run models -- publish`, README: Deploying).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { validateManifest } from '../src/core'
import { readCatalogueFile, readLocalModel } from './model-admin'
import { buildBundle, planVerdict, WORKER_LIMITS } from './bundle-size'
import { deployConfigProblems } from './deploy-check'

const MiB = 1024 * 1024
const args = process.argv.slice(2)
const dryRun = args.includes('--dry-run')
const fail = (msg: string): never => {
  console.error(`deploy: ${msg}`)
  process.exit(1)
}
const fmt = (n: number) => `${(n / 1024).toFixed(0)} KiB`

/** Checks each model of models/catalogue.json: a valid manifest and the .onnx's sha256. */
async function checkModels(): Promise<string | null> {
  let catalogue
  try {
    catalogue = readCatalogueFile()
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err))
  }
  console.log('models (models/catalogue.json; published separately, not bundled):')
  if (!catalogue.models.length) console.log('  none listed')
  for (const id of catalogue.models) {
    let manifest
    try {
      manifest = validateManifest(JSON.parse(readFileSync(join('models', `${id}.json`), 'utf8')))
    } catch (err) {
      return fail(`models/${id}.json: ${err instanceof Error ? err.message : err}`)
    }
    if (manifest.id !== id) fail(`models/${id}.json: its id is '${manifest.id}'`)
    let bytes
    try {
      // A converted face model's files are rebuilt from the pinned package when missing.
      bytes = (await readLocalModel('models', id)).onnx
    } catch (err) {
      return fail(`models/${manifest.file}: ${err instanceof Error ? err.message : err}`)
    }
    const sha = createHash('sha256').update(bytes).digest('hex')
    if (sha !== manifest.sha256)
      fail(
        `models/${manifest.file}: sha256 ${sha} does not match its manifest (${manifest.sha256})`,
      )
    const oneShot = manifest.eval.results.find((r) => r.ways === 20 && r.shots === 1)
    const lfw = manifest.eval.lfw
    const acc = oneShot
      ? `, 20-way 1-shot ${(100 * oneShot.accuracy).toFixed(1)}% ±${(100 * oneShot.ci95).toFixed(1)}`
      : lfw
        ? `, LFW dev-test ${(100 * lfw.accuracy).toFixed(2)}% ±${(100 * lfw.sd).toFixed(2)}`
        : ''
    const names = [
      ...(catalogue.default === id ? ['default'] : []),
      ...Object.keys(catalogue.aliases).filter((a) => catalogue.aliases[a] === id),
    ]
    console.log(
      `  ${id} v${manifest.version} (${fmt(bytes.length)}, sha256 ok${acc})` +
        (names.length ? ` [${names.join(', ')}]` : ''),
    )
  }
  return catalogue.default
}

/** Builds into dist/ and prints raw and gzip sizes of what would be uploaded. */
function buildAndMeasure(): void {
  let size
  try {
    size = buildBundle('dist')
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err))
  }
  console.log('\nbundle (dist/: code + onnxruntime wasm, no model):')
  for (const f of [...size.files, { name: 'total', raw: size.raw, gzip: size.gzip }])
    console.log(
      `  ${f.name.padEnd(60)} ${fmt(f.raw).padStart(10)} ${fmt(f.gzip).padStart(10)} gzip`,
    )
  if (size.wranglerLine) console.log(`  wrangler: ${size.wranglerLine}`)
  console.log(`  gzip ${(size.gzip / MiB).toFixed(2)} MiB: ${planVerdict(size.gzip)}`)
  if (size.gzip > WORKER_LIMITS.paid) fail('bundle over the 10 MiB limit')
}

const unsafe = deployConfigProblems(readFileSync('wrangler.toml', 'utf8'))
if (unsafe.length)
  fail(`refusing a configuration that would accept the dev key:\n  ${unsafe.join('\n  ')}`)
const defaultId = await checkModels()
buildAndMeasure()
if (dryRun) {
  console.log(
    '\n--dry-run: built and checked; nothing deployed. Models are not in the bundle: after a ' +
      'deploy, publish them with `npm run models -- publish <id>`.',
  )
  process.exit(0)
}
if (/id = "0{32}"/.test(readFileSync('wrangler.toml', 'utf8')))
  fail(
    'wrangler.toml still has the placeholder KV id: `wrangler kv namespace create SUPPORT_KV`, then set it',
  )
const deployed = spawnSync('node_modules/.bin/wrangler', ['deploy'], { stdio: 'inherit' })
if (deployed.status !== 0) fail('wrangler deploy failed')
const id = defaultId ?? '<id>'
console.log(`
deployed (code only). Next steps, with the Worker's URL and an admin key (ADMIN_KEYS):
  npm run models -- publish ${id} --default --url https://<worker> --key <admin key>
  npm run models -- migrate --wait --url https://<worker> --key <admin key>
The first publishes the model to the MODELS bucket and makes it the default (again: only the
aliases move); the second re-embeds the sets that follow a moved alias (they keep answering from
their old model until then). Keys: \`wrangler secret put API_KEYS\` and \`ADMIN_KEYS\`.`)
