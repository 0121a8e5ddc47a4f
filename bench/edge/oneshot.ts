// One-shot accuracy through the API (a benchmark, not a test):
//   tsx bench/edge/oneshot.ts [--zip ../shared/data/omniglot/images_evaluation.zip] [--episodes 100]
// Each episode: create a set, add one drawing for each of 20 random evaluation characters
// (all alphabets), classify 20 other drawings (one per character, other drawers) in one
// request, delete the set. Prints accuracy with a 95% CI next to the manifest's 20-way 1-shot
// figure (`npm run eval`). Serves the shipped default model (models/catalogue.json, seeded into
// a fresh local store).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import { publishBytes } from '../../scripts/model-admin'
import { startWranglerDev } from '../../scripts/wrangler-dev'
import { modelA } from '../../test/edge/fixtures/models'
import { request } from './client'

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1]! : dflt
}
const ZIP = arg('zip', '../shared/data/omniglot/images_evaluation.zip')
const EPISODES = Number(arg('episodes', '100'))
const WAYS = 20
const KEY = 'bench-key'
// --fixture: the tiny test model instead (checks the plumbing; its accuracy means nothing).
const FIXTURE = process.argv.includes('--fixture')

// character path -> its drawings (PNG bytes)
const characters = new Map<string, Uint8Array[]>()
for (const [path, bytes] of Object.entries(unzipSync(readFileSync(ZIP)))) {
  if (!path.endsWith('.png')) continue
  const key = path.slice(0, path.lastIndexOf('/'))
  characters.set(key, [...(characters.get(key) ?? []), bytes])
}
const names = [...characters.keys()]
let seed = 12345
const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n
const pick = <T>(xs: T[], k: number): T[] => {
  const a = [...xs]
  for (let i = 0; i < k; i++) {
    const j = i + rand(a.length - i)
    ;[a[i], a[j]] = [a[j]!, a[i]!]
  }
  return a.slice(0, k)
}
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64')

const dir = mkdtempSync(join(tmpdir(), 'oneshot-acc-'))
const server = await startWranglerDev({
  persistTo: join(dir, 'state'),
  vars: { DEV_API_KEY: KEY },
  seed: !FIXTURE,
})
const accs: number[] = []
try {
  if (FIXTURE)
    await publishBytes(server.url, KEY, modelA.manifest as object, modelA.model!, { default: true })
  const manifest = (await request(server.url, KEY, 'GET', '/v1/models/default')).json
  for (let e = 0; e < EPISODES; e++) {
    const chosen = pick(names, WAYS)
    const draws = chosen.map((c) => pick(characters.get(c)!, 2))
    const set = (await request(server.url, KEY, 'POST', '/v1/sets', { name: `episode-${e}` })).json
    const examples = chosen.map((c, i) => ({ label: `w${i}`, image: b64(draws[i]![0]!) }))
    await request(server.url, KEY, 'POST', `/v1/sets/${set.id}/examples`, { examples })
    const images = draws.map((d) => b64(d[1]!))
    const { json } = await request(
      server.url,
      KEY,
      'POST',
      `/v1/sets/${set.id}/classify?consistency=strong`,
      {
        images,
        k: 1,
        threshold: 1e9, // accuracy of the nearest label, as `npm run eval` measures it (no "unknown")
      },
    )
    accs.push(
      json.results.filter((r: { label: string }, i: number) => r.label === `w${i}`).length / WAYS,
    )
    await request(server.url, KEY, 'DELETE', `/v1/sets/${set.id}`)
  }
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length
  const sd = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / (accs.length - 1))
  const ci = (1.96 * sd) / Math.sqrt(accs.length)
  const ref = manifest.eval.results.find(
    (r: { ways: number; shots: number }) => r.ways === 20 && r.shots === 1,
  )
  console.log(`model ${manifest.id}: 20-way 1-shot through the API, ${EPISODES} episodes, ${ZIP}`)
  console.log(`  API:          ${(100 * mean).toFixed(1)}% ± ${(100 * ci).toFixed(1)} (95% CI)`)
  if (ref)
    console.log(
      `  npm run eval: ${(100 * ref.accuracy).toFixed(1)}% ± ${(100 * ref.ci95).toFixed(1)} (${ref.protocol}, ${ref.episodes} episodes)`,
    )
} finally {
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
}
