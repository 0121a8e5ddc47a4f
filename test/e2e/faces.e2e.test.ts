// Faces through the API, end to end over a real `wrangler dev` whose store is seeded from
// models/catalogue.json (the face model is rebuilt from the pinned package when its .onnx is
// missing): enrol people from LFW photos, identify, verify, embed, 422 no_face, erase a person.
// LFW is research data that the repository does not ship: without ../shared/data/lfw this file
// skips, saying so.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import jpeg from 'jpeg-js'
import { decodeImage, distance, faceSpec, largestFace, type RawImage } from '../../src/core'
import {
  decodePhoto,
  detect,
  embedPhoto,
  openFaceSessions,
  pairDistance,
} from '../../src/train/eval/faces'
import { readManifest } from '../../src/train/export/manifest-writer'
import { defaultLfwDir, readLfwPhotos } from '../../src/train/data/lfw'
import { startWranglerDev, type DevServer } from '../../scripts/wrangler-dev'
import { b64, glyph } from '../edge/fixtures/glyphs'
import { jsonCall } from './json-call'

const KEY = 'dev-local-key'
const CATALOGUE = JSON.parse(readFileSync('models/catalogue.json', 'utf8')) as {
  aliases: Record<string, string>
}
/** The served face model: what the `face` alias of the seeded catalogue names. */
const FACE_MANIFEST = readManifest(`models/${CATALOGUE.aliases.face}.json`)
const embedded = new Map<string, number[]>()
const lfw = defaultLfwDir()
if (!lfw)
  console.warn('faces e2e skipped: no LFW at ../shared/data/lfw (research data, not shipped)')

const ENROLLED = ['Jennifer_Lopez', 'Paul_Wolfowitz', 'Hans_Blix']
const STRANGER = 'Zhu_Rongji/Zhu_Rongji_0001.jpg'
/** The numbers of each person's first and second photo in the zip (LFW's numbering has gaps). */
const NUMBERS: Record<string, [number, number]> = {
  Jennifer_Lopez: [3, 4],
  Paul_Wolfowitz: [2, 3],
  Hans_Blix: [2, 3],
}
const photo = (name: string, n: 1 | 2) =>
  `${name}/${name}_${String(NUMBERS[name]![n - 1]).padStart(4, '0')}.jpg`
let server: DevServer
let dir: string
let photos: Map<string, Uint8Array>

const call = (method: string, path: string, body?: unknown) =>
  jsonCall(server.url, KEY, method, path, body)
const img = (name: string) => b64(photos.get(name)!)

describe.skipIf(!lfw)('faces through the API (LFW photos)', () => {
  beforeAll(async () => {
    photos = readLfwPhotos(lfw!, [...ENROLLED.flatMap((p) => [photo(p, 1), photo(p, 2)]), STRANGER])
    dir = mkdtempSync(join(tmpdir(), 'oneshot-faces-'))
    server = await startWranglerDev({
      persistTo: join(dir, 'state'),
      vars: { DEV_API_KEY: KEY },
      seed: true,
    })
  }, 180_000)

  afterAll(async () => {
    await server?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  // First, while the isolate is cold: 4 face requests in flight from a cold start restarted the
  // isolate in 2 of 3 runs of bench faces-api on a loaded machine (cause not pinned down; it did
  // not recur in later runs, bench/RESULTS.md). Here they must all answer.
  it('answers face requests that overlap, from a cold start', async () => {
    const names = ENROLLED.flatMap((p) => [photo(p, 1), photo(p, 2)])
    const pairs = names.flatMap((a) => names.map((b) => [a, b] as const)).slice(0, 12)
    let next = 0
    const statuses: number[] = []
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < pairs.length) {
          const [a, b] = pairs[next++]!
          const r = await call('POST', '/v1/verify', { a: img(a), b: img(b), model: 'face' })
          statuses.push(r.status)
        }
      }),
    )
    expect(statuses).toEqual(Array(12).fill(200))
  })

  it('enrols three people, identifies a new photo of one, and calls a stranger unknown', async () => {
    const set = await call('POST', '/v1/sets', { name: 'staff', model: 'face' })
    expect(set.status).toBe(201)
    expect(set.json).toMatchObject({ alias: 'face', model: FACE_MANIFEST.id })
    const examples = ENROLLED.map((p) => ({ label: p, image: img(photo(p, 1)) }))
    const added = await call('POST', `/v1/sets/${set.json.id}/examples`, { examples })
    expect(added.status, JSON.stringify(added.json)).toBe(201)
    expect(added.json.boxes).toHaveLength(3)
    for (const box of added.json.boxes) expect(box.width).toBeGreaterThan(40) // 250x250 photos

    const queries = [...ENROLLED.map((p) => img(photo(p, 2))), img(STRANGER)]
    const r = await call('POST', `/v1/sets/${set.json.id}/classify?consistency=strong`, {
      images: queries,
      k: 3,
    })
    expect(r.status, JSON.stringify(r.json)).toBe(200)
    const [a, b, c, stranger] = r.json.results
    for (const [i, res] of [a, b, c].entries()) {
      expect(res).toMatchObject({ label: ENROLLED[i], unknown: false })
      expect(res.similarity).toBeGreaterThan(50)
      expect(res.faces.length).toBeGreaterThanOrEqual(1)
      expect(res.faces[0]).toMatchObject({ label: ENROLLED[i], box: res.box })
    }
    expect(stranger).toMatchObject({ label: null, unknown: true })
    expect(stranger.similarity).toBeLessThan(50)
    expect(stranger.top[0].label).toBeDefined() // still says who it resembled most

    // Erasure: the person goes, with their photos; identifying them now finds nobody.
    expect((await call('DELETE', `/v1/sets/${set.json.id}/labels/${ENROLLED[0]}`)).status).toBe(204)
    const after = await call('POST', `/v1/sets/${set.json.id}/classify?consistency=strong`, {
      images: [queries[0]],
    })
    expect(after.json.results[0].label).not.toBe(ENROLLED[0])
    expect((await call('GET', `/v1/sets/${set.json.id}`)).json.labels).toEqual(
      ENROLLED.slice(1).sort(),
    )
  })

  it('verify compares the largest faces and says which boxes; embed answers its box', async () => {
    const [p, q] = ENROLLED
    const same = await call('POST', '/v1/verify', {
      a: img(photo(p!, 1)),
      b: img(photo(p!, 2)),
      model: 'face',
    })
    expect(same.status, JSON.stringify(same.json)).toBe(200)
    expect(same.json).toMatchObject({ same: true, model: expect.stringMatching(/^face-/) })
    expect(same.json.boxes.a.width).toBeGreaterThan(40)
    const different = await call('POST', '/v1/verify', {
      a: img(photo(p!, 1)),
      b: img(photo(q!, 1)),
      model: 'face',
    })
    expect(different.json.same).toBe(false)
    expect(different.json.similarity).toBeLessThan(same.json.similarity)
    const e = await call('POST', '/v1/embed', { image: img(photo(q!, 1)), model: 'face' })
    expect(e.json.embedding).toHaveLength(FACE_MANIFEST.output.dim)
    expect(e.json.box).toMatchObject({ width: expect.any(Number), height: expect.any(Number) })
  })

  it('npm run embed writes face embeddings equal to /v1/embed; bulk-added, they identify', async () => {
    const folder = join(dir, 'enrol')
    for (const p of ENROLLED) {
      mkdirSync(join(folder, p), { recursive: true })
      writeFileSync(join(folder, p, '1.jpg'), photos.get(photo(p, 1))!)
    }
    const model = `models/${FACE_MANIFEST.id}.json`
    const args = ['--import', 'tsx', 'src/train/cli/embed.ts', '--model', model]
    const embed = async (role: 'support' | 'query') => {
      const out = join(dir, `faces-${role}.ndjson`)
      const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          [...args, '--data', folder, '--out', out, '--role', role],
          (err, _stdout, stderr) => resolve({ code: err ? 1 : 0, stderr }),
        ),
      )
      expect(r.code, r.stderr).toBe(0)
      return out
    }
    // queries are what /v1/embed answers; stored examples (the default role) are what bulk adds
    const queries = readFileSync(await embed('query'), 'utf8')
      .trim()
      .split('\n')
    const out = await embed('support')
    const lines = readFileSync(out, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(ENROLLED.length)
    // One line per photo, class folders in name order.
    expect(lines.map((l) => JSON.parse(l).label)).toEqual([...ENROLLED].sort())
    // `face` averages a stored example with its mirror image: not the query's embedding
    expect(lines[0]).not.toEqual(queries[0])
    for (const text of queries) {
      const line = JSON.parse(text)
      expect(line.model).toBe(FACE_MANIFEST.id)
      const api = await call('POST', '/v1/embed', {
        image: img(photo(line.label, 1)),
        model: 'face',
      })
      const diff = Math.max(
        ...line.embedding.map((v: number, j: number) => Math.abs(v - api.json.embedding[j])),
      )
      expect(diff).toBeLessThan(1e-5)
    }
    const set = (await call('POST', '/v1/sets', { name: 'bulk staff', model: 'face' })).json.id
    const res = await fetch(`${server.url}/v1/sets/${set}/examples/bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-ndjson' },
      body: readFileSync(out),
    })
    expect(res.status).toBe(201)
    expect(await res.json()).toEqual({ added: 3, rejected: [], count: 3 })
    const probes = ENROLLED.map((p) => img(photo(p, 2)))
    const got = await call('POST', `/v1/sets/${set}/classify?consistency=strong`, {
      images: probes,
    })
    expect(got.json.results.map((x: { label: string }) => x.label)).toEqual(ENROLLED)
    // By embedding (the tag /v1/embed answers): the same answers, the model not run again
    const emb = []
    for (const image of probes)
      emb.push((await call('POST', '/v1/embed', { image, model: 'face' })).json)
    expect(emb[0]).toMatchObject({ model: FACE_MANIFEST.id, sha256: FACE_MANIFEST.sha256 })
    const byEmbedding = await call('POST', `/v1/sets/${set}/classify?consistency=strong`, {
      embeddings: emb.map((e) => e.embedding),
      model: emb[0].model,
      sha256: emb[0].sha256,
    })
    expect(byEmbedding.json.model).toBe(FACE_MANIFEST.id)
    byEmbedding.json.results.forEach((r: any, i: number) => {
      const q = got.json.results[i]
      expect(r).toMatchObject({ label: q.label, unknown: q.unknown, similarity: q.similarity })
      expect(r.distance).toBeCloseTo(q.distance, 5)
      expect(r.box).toBeUndefined() // no photo, no box
    })
  })

  /** onnxruntime-node in Node: the Node half of the parity checks below. */
  async function nodeFaces(manifest: ReturnType<typeof readManifest>) {
    return openFaceSessions(
      readFileSync(join('models', (manifest.detector as unknown as { file: string }).file)),
      readFileSync(join('models', manifest.file)),
    )
  }

  // `face` (dlib; stored examples averaged with their mirror image, queries one pass),
  // `face-fast` (the same weights, no mirror) and v1 (every face averaged with its mirror image)
  it.each(['face', 'face-fast', 'face-dlib-blazeface-v1'])(
    'the Worker embeds a face like npm run eval:faces does in Node (%s: same code, same photo)',
    async (name) => {
      const file = photo(ENROLLED[2]!, 1)
      const api = await call('POST', '/v1/embed', { image: img(file), model: name })
      const manifest = readManifest(`models/${CATALOGUE.aliases[name] ?? name}.json`)
      expect(api.json.model).toBe(manifest.id)
      const spec = faceSpec(manifest)
      const sessions = await nodeFaces(manifest)
      const image = decodePhoto(photos.get(file)!)
      const faces = await detect(sessions, image, spec)
      const node = await embedPhoto(sessions, manifest, spec, image, faces, 'largest')
      // onnxruntime-web (wasm) in workerd against onnxruntime-node: float arithmetic may differ
      // in the last bits, nothing more.
      let diff = 0
      node.embedding.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - api.json.embedding[i]))))
      expect(diff).toBeLessThan(1e-5)
      const box = largestFace(faces)!.box
      expect(api.json.box).toEqual({
        x: Math.round(box.x),
        y: Math.round(box.y),
        width: Math.round(box.width),
        height: Math.round(box.height),
      })
      embedded.set(name, api.json.embedding)
      if (embedded.size === 3) {
        const gap = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))
        const e = (k: string) => embedded.get(k)!
        // a query is one pass with `face` as with `face-fast`; v1 mirrors every face
        expect(gap(e('face'), e('face-fast'))).toBeLessThan(1e-5)
        expect(gap(e('face'), e('face-dlib-blazeface-v1'))).toBeGreaterThan(1e-3)
      }
    },
  )

  it("verify embeds `a` as an enrolled photo and `b` as a query, like eval:faces's pairs", async () => {
    const [a, b] = [photo(ENROLLED[0]!, 1), photo(ENROLLED[0]!, 2)]
    const api = await call('POST', '/v1/verify', { a: img(a), b: img(b), model: 'face' })
    expect(api.status).toBe(200)
    const manifest = FACE_MANIFEST
    expect(manifest.alignment?.mirror).toBe('supports')
    const spec = faceSpec(manifest)
    const sessions = await nodeFaces(manifest)
    const embeddings = new Map<string, Awaited<ReturnType<typeof embedPhoto>>>()
    for (const name of [a, b]) {
      const image = decodePhoto(photos.get(name)!)
      const faces = await detect(sessions, image, spec)
      embeddings.set(name, await embedPhoto(sessions, manifest, spec, image, faces, 'largest'))
    }
    const offline = pairDistance(manifest.metric, embeddings, { a, b })
    expect(Math.abs(api.json.distance - offline)).toBeLessThan(1e-5)
    // the roles matter: with both photos as queries the distance is another one
    const plain = distance(
      manifest.metric,
      embeddings.get(a)!.embedding,
      embeddings.get(b)!.embedding,
    )
    expect(Math.abs(plain - offline)).toBeGreaterThan(1e-4)
    expect(api.json.threshold).toBe(manifest.threshold.distance)
  })

  it('a photo with no face is 422 no_face; the glyph model is unaffected', async () => {
    const set = (await call('POST', '/v1/sets', { model: 'face' })).json.id
    const add = await call('POST', `/v1/sets/${set}/examples`, {
      examples: [{ label: 'x', image: b64(glyph(3)) }],
    })
    expect(add.status).toBe(422)
    expect(add.json.error.code).toBe('no_face')
    const e = await call('POST', '/v1/embed', { image: b64(glyph(3)) })
    expect(e.status).toBe(200)
    expect(e.json.box).toBeUndefined()
  })

  it('several faces in one photo: each identified; a picked face is enrolled; a 12 Mpx photo', async () => {
    const [p, q] = ENROLLED as [string, string]
    // Two LFW photos side by side, the second shrunk to 3/4: two faces, the first the largest.
    const pair = sideBySide(photos.get(photo(p, 2))!, photos.get(photo(q, 2))!)
    const set = (await call('POST', '/v1/sets', { model: 'face' })).json.id
    const examples = [
      { label: p, image: img(photo(p, 1)) },
      {
        label: q,
        image: b64(sideBySide(photos.get(photo(p, 1))!, photos.get(photo(q, 1))!)),
        face: 1,
      },
    ]
    const added = await call('POST', `/v1/sets/${set}/examples`, { examples })
    expect(added.status, JSON.stringify(added.json)).toBe(201)
    expect(added.json.boxes[1].x).toBeGreaterThan(240) // the smaller face, on the right
    const r = await call('POST', `/v1/sets/${set}/classify?consistency=strong`, {
      images: [b64(pair)],
    })
    const faces = r.json.results[0].faces
    expect(faces).toHaveLength(2)
    expect(faces.map((f: { label: string }) => f.label)).toEqual([p, q])
    expect(r.json.results[0]).toMatchObject({ label: p, box: faces[0].box })

    // `face: "central"`: the face nearest the photo's centre instead of the largest one.
    const centred = smallFaceCentred(photos.get(photo(p, 2))!, photos.get(photo(q, 2))!)
    const byPick = async (face?: string) =>
      call('POST', '/v1/verify', { a: b64(centred), b: img(photo(q, 1)), model: 'face', face })
    const [largest, central] = [await byPick(), await byPick('central')]
    expect(largest.json.boxes.a.x).toBeLessThan(250) // p's photo, on the left
    expect(central.json.boxes.a.x).toBeGreaterThan(250) // q's, smaller, in the middle
    expect([largest.json.same, central.json.same]).toEqual([false, true])
    const bad = await byPick('middle')
    expect([bad.status, bad.json.error.code]).toEqual([422, 'invalid_request'])

    // A phone-sized photo: 4000x3000, decoded at reduced scale; the box is in its own pixels.
    const huge = enlarged(photos.get(photo(q, 2))!, 4000, 3000)
    expect(huge.length).toBeGreaterThan(500_000)
    const e = await call('POST', '/v1/embed', { image: b64(huge), model: 'face' })
    expect(e.status, JSON.stringify(e.json)).toBe(200)
    expect(e.json.box.width).toBeGreaterThan(800) // a 100 px face in 250 px, scaled 12x
    const who = await call('POST', `/v1/sets/${set}/classify?consistency=strong`, {
      images: [b64(huge)],
    })
    expect(who.json.results[0].label).toBe(q)

    // 17 photos of two faces each: 34 faces, over the 32 one request may embed.
    const crowd = await call('POST', `/v1/sets/${set}/classify`, {
      images: Array(17).fill(b64(pair)),
    })
    expect(crowd.status).toBe(422)
    expect(crowd.json.error.code).toBe('too_many_faces')
  })
})

/** Two photos side by side on white (the second at 3/4 size), as a JPEG. */
function sideBySide(a: Uint8Array, b: Uint8Array): Uint8Array {
  const [ia, ib] = [decodeImage(a), decodeImage(b)]
  const width = ia.width + Math.ceil(ib.width * 0.75)
  const height = Math.max(ia.height, ib.height)
  const out = new Uint8Array(width * height * 4).fill(255)
  paint(out, width, ia, 0, 1)
  paint(out, width, ib, ia.width, 0.75)
  return jpeg.encode({ data: out, width, height }, 90).data
}

/** `big` at the left of a 700 px wide canvas, `small` at 3/4 size in its middle, as a JPEG. */
function smallFaceCentred(big: Uint8Array, small: Uint8Array): Uint8Array {
  const [ib, is] = [decodeImage(big), decodeImage(small)]
  const width = 700
  const height = Math.max(ib.height, is.height)
  const out = new Uint8Array(width * height * 4).fill(255)
  paint(out, width, ib, 0, 1)
  paint(out, width, is, width / 2 - (is.width * 0.75) / 2, 0.75)
  return jpeg.encode({ data: out, width, height }, 90).data
}

/** A photo scaled up to fill `width` x `height` (nearest neighbour), as a JPEG. */
function enlarged(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const src = decodeImage(bytes)
  const out = new Uint8Array(width * height * 4).fill(255)
  paint(out, width, src, (width - height) / 2, height / src.height)
  return jpeg.encode({ data: out, width, height }, 85).data
}

/** Draws `src` (RGB or RGBA) scaled by `scale` at x offset `x0` into an RGBA canvas. */
function paint(out: Uint8Array, width: number, src: RawImage, x0: number, scale: number) {
  const w = Math.floor(src.width * scale)
  const h = Math.floor(src.height * scale)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const s = (Math.floor(y / scale) * src.width + Math.floor(x / scale)) * src.channels
      const d = (y * width + x + Math.floor(x0)) * 4
      for (let c = 0; c < 3; c++) out[d + c] = src.data[s + (src.channels >= 3 ? c : 0)]!
    }
}
