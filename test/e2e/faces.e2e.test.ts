// Faces through the API, end to end over a real `wrangler dev` whose store is seeded from
// models/catalogue.json (the face model is rebuilt from the pinned package when its .onnx is
// missing): enrol people from LFW photos, identify, verify, embed, 422 no_face, erase a person.
// LFW is research data that the repository does not ship: without ../shared/data/lfw this file
// skips, saying so.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultLfwDir, readLfwPhotos } from '../../src/train/data/lfw'
import { startWranglerDev, type DevServer } from '../../scripts/wrangler-dev'
import { b64, glyph } from '../edge/fixtures/glyphs'
import { jsonCall } from './json-call'

const KEY = 'dev-local-key'
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

  it('enrols three people, identifies a new photo of one, and calls a stranger unknown', async () => {
    const set = await call('POST', '/v1/sets', { name: 'staff', model: 'face' })
    expect(set.status).toBe(201)
    expect(set.json).toMatchObject({ alias: 'face', model: expect.stringMatching(/^face-/) })
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
    expect(e.json.embedding).toHaveLength(1024)
    expect(e.json.box).toMatchObject({ width: expect.any(Number), height: expect.any(Number) })
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
})
