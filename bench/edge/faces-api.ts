// Faces through the API vs offline evaluation, on the same LFW photos (not a test):
// `npx tsx bench/edge/faces-api.ts` (`npm run bench -- faces-api`). Starts a real `wrangler dev`
// with the shipped models (seeded into a temporary store), then:
//  1. verification: LFW's 1,000 dev-test pairs through POST /v1/verify (model `face`), once with
//     `"face": "largest"` (the default) and once with `"face": "central"`, scored with LFW's
//     10-fold protocol and ROC AUC, beside the same pairs embedded offline in this run with the
//     same pick (src/train/eval/faces.ts, as `npm run eval:faces -- --pick <pick>`). A 422
//     `no_face` answer is counted and scored "different" at distance +Infinity.
//  2. open-set identification: the first 200 people (sorted) with 2+ photos enrolled in a face set
//     (first photo each), their other photos (known probes) and 400 photos of one-photo people
//     (unknown probes) classified with k 1 and a huge threshold; rank-1 and DIR at 1% / 10% false
//     alarms, beside the same people and photos embedded offline (src/train/eval/faces.ts,
//     largest face) and scored with src/train/eval/open-set.ts.
// Photos: ../shared/data/lfw (research data, read at run time, never committed).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startWranglerDev } from '../../scripts/wrangler-dev'
import type { DetectedFace, RawImage } from '../../src/core'
import {
  defaultLfwDir,
  listLfwPhotos,
  readLfwPairs,
  readLfwPhotos,
  type LfwPair,
} from '../../src/train/data/lfw'
import {
  decodePhoto,
  detect,
  embedPhoto,
  faceSpec,
  openFaceSessions,
  pairDistance,
  type FacePick,
  type PhotoEmbedding,
} from '../../src/train/eval/faces'
import { auc } from '../../src/train/eval/metrics'
import { openSet, type OpenSetInput } from '../../src/train/eval/open-set'
import { tenFold, type ScoredPair } from '../../src/train/eval/ten-fold'
import { readManifest } from '../../src/train/export/manifest-writer'

const KEY = 'bench-key'
// The served face model: what the `face` alias of models/catalogue.json names (seeded below).
const FACE_ID = JSON.parse(readFileSync('models/catalogue.json', 'utf8')).aliases.face as string
const MANIFEST = `models/${FACE_ID}.json`
// `npm run eval:faces`'s figure as its manifest records it (dev-test, central face)
const lfwEval = readManifest(MANIFEST).eval.lfw as { accuracy: number; sd: number } | undefined
const OFFLINE = { accuracy: 100 * (lfwEval?.accuracy ?? NaN), sd: 100 * (lfwEval?.sd ?? NaN) }
const PEOPLE = 200
const UNKNOWN = 400
const CONCURRENCY = 4
const FARS = [0.01, 0.1]

const lfw = defaultLfwDir()
if (!lfw) {
  console.error('bench faces-api: needs LFW at ../shared/data/lfw')
  process.exit(2)
}
const t0 = Date.now()
const secs = () => ((Date.now() - t0) / 1000).toFixed(0)
const pct = (x: number) => (100 * x).toFixed(2)
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')

/** POST with the dev key; answers the status and the JSON (no throw on 4xx). */
async function post(base: string, path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  try {
    return { status: res.status, json: text ? JSON.parse(text) : null }
  } catch {
    // wrangler dev answers plain text when the Worker restarted mid-request (e.g. out of memory)
    return {
      status: res.status,
      json: { error: { code: 'not_json', message: text.slice(0, 200) } },
    }
  }
}

/** Runs `fn` over items with at most `n` in flight, in order of results. */
async function pool<T, R>(items: T[], n: number, fn: (x: T, i: number) => Promise<R>) {
  const out = new Array<R>(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i]!, i)
      }
    }),
  )
  return out
}

// ---- data ----
const pairs = readLfwPairs(lfw, 'dev-test')
const all = listLfwPhotos(lfw)
const byPerson = new Map<string, string[]>()
for (const n of all) {
  const p = n.split('/')[0]!
  byPerson.set(p, [...(byPerson.get(p) ?? []), n])
}
const people = [...byPerson.keys()].sort()
const enrolledPeople = people.filter((p) => byPerson.get(p)!.length > 1).slice(0, PEOPLE)
const unknownPhotos = people
  .filter((p) => byPerson.get(p)!.length === 1)
  .slice(0, UNKNOWN)
  .map((p) => byPerson.get(p)![0]!)
const galleryPhotos = enrolledPeople.map((p) => byPerson.get(p)![0]!)
const knownPhotos = enrolledPeople.flatMap((p) => byPerson.get(p)!.slice(1))
const names = new Set([
  ...pairs.flatMap((p) => [p.a, p.b]),
  ...galleryPhotos,
  ...knownPhotos,
  ...unknownPhotos,
])
const photos = readLfwPhotos(lfw, names)
const personOf = (name: string) => name.split('/')[0]!
console.error(
  `${pairs.length} dev-test pairs; identification: ${galleryPhotos.length} enrolled, ` +
    `${knownPhotos.length} known probes, ${unknownPhotos.length} unknown probes; ${names.size} photos`,
)

// ---- through the API ----
const PICKS = ['largest', 'central'] as const
const apiPairs = new Map<FacePick, (ScoredPair & { noFace: boolean })[]>()
const apiProbe = new Map<string, { label: string | null; distance: number }>()
const noFaceEnrol: string[] = []
let verifyWall = 0
let restarts = 0
let identWall = 0
const dir = mkdtempSync(join(tmpdir(), 'faces-api-'))
const server = await startWranglerDev({
  persistTo: join(dir, 'state'),
  vars: { DEV_API_KEY: KEY },
  seed: true,
})
try {
  console.error(`[${secs()} s] wrangler dev ready at ${server.url}`)
  // 1. verification, once per face pick (`face` in the request; eval:faces --pick)
  const v0 = Date.now()
  for (const face of PICKS) {
    let done = 0
    const scored = await pool(pairs, CONCURRENCY, async (p: LfwPair) => {
      const body = { a: b64(photos.get(p.a)!), b: b64(photos.get(p.b)!), model: 'face', face }
      let r = await post(server.url, '/v1/verify', body)
      // wrangler dev's answer when the isolate restarted mid-request: counted, retried once
      if (r.json?.error?.code === 'not_json') {
        restarts++
        r = await post(server.url, '/v1/verify', body)
      }
      if (++done % 100 === 0 || done === pairs.length)
        console.error(`[${secs()} s] verify (${face} face) ${done}/${pairs.length}`)
      if (r.status === 422 && r.json?.error?.code === 'no_face')
        return { distance: Infinity, same: p.same, noFace: true }
      if (r.status !== 200)
        throw new Error(
          `verify ${p.a} ${p.b}: ${r.status} ${JSON.stringify(r.json)}\nwrangler: ${server.log().slice(-2000)}`,
        )
      return { distance: r.json.distance as number, same: p.same, noFace: false }
    })
    apiPairs.set(face, scored)
  }
  verifyWall = (Date.now() - v0) / 1000

  // 2. open-set identification
  const i0 = Date.now()
  const set = await post(server.url, '/v1/sets', { name: 'bench-faces-api', model: 'face' })
  if (set.status !== 201) throw new Error(`create set: ${set.status} ${JSON.stringify(set.json)}`)
  const id = set.json.id as string
  for (let i = 0; i < galleryPhotos.length; i += 32) {
    let batch = galleryPhotos.slice(i, i + 32)
    for (;;) {
      const examples = batch.map((n) => ({ label: personOf(n), image: b64(photos.get(n)!) }))
      const r = await post(server.url, `/v1/sets/${id}/examples`, { examples })
      if (r.status < 300) break
      const m = /examples\.(\d+)\.image/.exec(r.json?.error?.message ?? '')
      if (r.status === 422 && r.json?.error?.code === 'no_face' && m) {
        noFaceEnrol.push(batch[Number(m[1])]!)
        batch = batch.filter((_, j) => j !== Number(m[1]))
        if (!batch.length) break
        continue
      }
      throw new Error(`enrol: ${r.status} ${JSON.stringify(r.json)}`)
    }
    console.error(`[${secs()} s] enrolled ${Math.min(i + 32, galleryPhotos.length)}`)
  }
  const probes = [...knownPhotos, ...unknownPhotos]
  const classify = async (batch: string[]): Promise<void> => {
    const body = { images: batch.map((n) => b64(photos.get(n)!)), k: 1, threshold: 100 }
    const r = await post(server.url, `/v1/sets/${id}/classify?consistency=strong`, body)
    const code = r.json?.error?.code
    if (code === 'not_json') console.error(`classify (${batch.length}): ${r.json.error.message}`)
    if ((code === 'too_many_faces' || code === 'not_json') && batch.length > 1) {
      const half = Math.ceil(batch.length / 2)
      await classify(batch.slice(0, half))
      return classify(batch.slice(half))
    }
    if (r.status !== 200) throw new Error(`classify: ${r.status} ${JSON.stringify(r.json)}`)
    ;(r.json.results as { top: { label: string; distance: number }[] }[]).forEach((res, j) => {
      const top = res.top[0]
      apiProbe.set(batch[j]!, { label: top?.label ?? null, distance: top?.distance ?? Infinity })
    })
  }
  const batches: string[][] = []
  for (let i = 0; i < probes.length; i += 8) batches.push(probes.slice(i, i + 8))
  let sent = 0
  await pool(batches, 2, async (b) => {
    await classify(b)
    sent += b.length
    if (Math.floor(sent / 100) !== Math.floor((sent - b.length) / 100) || sent === probes.length)
      console.error(`[${secs()} s] classify ${sent}/${probes.length}`)
  })
  identWall = (Date.now() - i0) / 1000
} finally {
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
}

// ---- offline: src/train/eval/faces.ts on the same photos ----
const manifest = readManifest(MANIFEST)
const spec = faceSpec(manifest)
const sessions = await openFaceSessions(
  readFileSync(join('models', (manifest.detector as { file?: string }).file!)),
  readFileSync(join('models', manifest.file)),
)
const o0 = Date.now()
const decoded = new Map<string, { image: RawImage; faces: DetectedFace[] }>()
for (const n of names) {
  const image = decodePhoto(photos.get(n)!)
  decoded.set(n, { image, faces: await detect(sessions, image, spec) })
  if (decoded.size % 500 === 0) console.error(`[${secs()} s] offline detect ${decoded.size}`)
}
const embed = async (n: string, pick: FacePick) => {
  const { image, faces } = decoded.get(n)!
  return embedPhoto(sessions, manifest, spec, image, faces, pick)
}
const offlinePairs = async (pick: FacePick) => {
  const e = new Map<string, PhotoEmbedding>()
  let fallbacks = 0
  for (const n of new Set(pairs.flatMap((p) => [p.a, p.b]))) {
    const r = await embed(n, pick)
    if (r.how === 'fallback') fallbacks++
    e.set(n, r)
  }
  // as /v1/verify: `a` embedded as a stored example, `b` as a query
  const scored = pairs.map((p) => ({ distance: pairDistance(manifest.metric, e, p), same: p.same }))
  return { scored, fallbacks }
}
const offLargest = await offlinePairs('largest')
const offCentral = await offlinePairs('central')
const excluded = new Set(noFaceEnrol.map(personOf))
const gallery: OpenSetInput['gallery'] = []
for (const n of galleryPhotos)
  if (!excluded.has(personOf(n)))
    gallery.push({ person: personOf(n), embedding: (await embed(n, 'largest')).support })
const offProbes: OpenSetInput['probes'] = []
const probeNames = [...knownPhotos, ...unknownPhotos].filter((n) => !excluded.has(personOf(n)))
for (const n of probeNames)
  offProbes.push({ person: personOf(n), embedding: (await embed(n, 'largest')).embedding })
const offlineWall = (Date.now() - o0) / 1000
const off = openSet({ gallery, probes: offProbes }, manifest.metric, FARS)

// ---- the API's open-set figures, as open-set.ts computes them ----
const enrolled = new Set(gallery.map((g) => g.person))
const answers = probeNames.map((n) => {
  const a = apiProbe.get(n)!
  return { known: enrolled.has(personOf(n)), right: a.label === personOf(n), d: a.distance }
})
const known = answers.filter((a) => a.known)
const unknown = answers
  .filter((a) => !a.known)
  .map((a) => a.d)
  .sort((a, b) => a - b)
const apiRank1 = known.filter((a) => a.right).length / known.length
const apiDir = FARS.map((far) => {
  const allowed = Math.floor(far * unknown.length + 1e-9)
  const t = allowed >= unknown.length ? Infinity : unknown[allowed]! - 1e-9
  return {
    far: unknown.filter((d) => d <= t).length / unknown.length,
    dir: known.filter((a) => a.right && a.d <= t).length / known.length,
    threshold: t,
  }
})
const apiNoFaceProbes = probeNames.filter((n) => apiProbe.get(n)!.label === null).length

// ---- report ----
const summary = (s: ScoredPair[]) => {
  const tf = tenFold(s)
  const a = auc(
    s.filter((p) => p.same).map((p) => p.distance),
    s.filter((p) => !p.same).map((p) => p.distance),
  )
  return { acc: 100 * tf.accuracy, sd: 100 * tf.sd, auc: a }
}
const offline = { largest: offLargest, central: offCentral }
const fmt = (r: { acc: number; sd: number; auc: number }, vs: number) =>
  `${r.acc.toFixed(2)} ± ${r.sd.toFixed(2)} | ${r.auc.toFixed(4)} | ${(r.acc - vs).toFixed(2)}`

console.log(`\nVerification, LFW dev-test (${pairs.length} pairs), ${manifest.id}`)
console.log(
  `(npm run eval:faces, the manifest's figure: ${OFFLINE.accuracy.toFixed(2)} ± ${OFFLINE.sd.toFixed(2)}, central face)\n`,
)
console.log('| face | path | accuracy % (10-fold) | ROC AUC | API - offline | no face |')
console.log('|---|---|---|---|---|---|')
for (const face of PICKS) {
  const apiRows = apiPairs.get(face)!
  const off = offline[face]
  const api = summary(apiRows)
  const o = summary(off.scored)
  const noFace = apiRows.filter((p) => p.noFace).length
  console.log(
    `| ${face} | API /v1/verify {"face":"${face}"} | ${fmt(api, o.acc)} | ${noFace} pairs |`,
  )
  console.log(
    `| ${face} | offline, this run (eval:faces --pick ${face}) | ${fmt(o, o.acc)} | ${off.fallbacks} photos (central crop) |`,
  )
  const diffs = apiRows
    .map((p, i) => Math.abs(p.distance - off.scored[i]!.distance))
    .filter(Number.isFinite)
    .sort((a, b) => a - b)
  console.error(
    `${face} face: per-pair |API - offline| distance median ${diffs[diffs.length >> 1]!.toExponential(2)}, ` +
      `max ${diffs[diffs.length - 1]!.toExponential(2)} over ${diffs.length} pairs`,
  )
}
console.log(
  `\nOpen-set identification: ${gallery.length} enrolled people (first photo each), ` +
    `${known.length} known probes, ${unknown.length} unknown probes` +
    (excluded.size ? ` (${excluded.size} people dropped: no face at enrolment)` : '') +
    '\n',
)
console.log('| figure | API (classify, k 1) | offline (open-set.ts) |\n|---|---|---|')
console.log(`| rank-1 (known probes) | ${pct(apiRank1)}% | ${pct(off.rank1)}% |`)
FARS.forEach((far, i) => {
  const a = apiDir[i]!
  const o = off.dir[i]!
  console.log(
    `| DIR at ${pct(far)}% false alarms | ${pct(a.dir)}% (FA ${pct(a.far)}%, t ${a.threshold.toFixed(4)}) | ` +
      `${pct(o.dir)}% (FA ${pct(o.falseAlarmRate)}%, t ${o.threshold.toFixed(4)}) |`,
  )
})
console.log(
  `\nProbes whose photo had no face through the API (no answer, counted wrong): ${apiNoFaceProbes}`,
)
console.log(`Isolate restarts during verification (each request retried once): ${restarts}`)
console.log(
  `Wall: verify ${verifyWall.toFixed(0)} s (${((2 * PICKS.length * pairs.length) / verifyWall).toFixed(1)} photos/s), ` +
    `identification ${identWall.toFixed(0)} s, offline ${offlineWall.toFixed(0)} s, total ${secs()} s`,
)
