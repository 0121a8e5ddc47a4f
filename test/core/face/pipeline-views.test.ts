// How many embedder passes a face takes, by role and by the manifest's alignment.mirror: the
// served `face` model pays the mirror pass once per enrolled photo, not on every query.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  faceInputs,
  faceSpec,
  faceViews,
  ManifestError,
  mirroredInput,
  validateManifest,
  type ModelManifest,
} from '../../../src/core'

const manifest = (id: string) =>
  validateManifest(JSON.parse(readFileSync(`models/${id}.json`, 'utf8'))) as ModelManifest
const withMirror = (mirror: unknown) => {
  const m = structuredClone(manifest('face-dlib-blazeface-v2')) as Record<string, any>
  m.alignment.mirror = mirror
  return m
}

describe('face views by role', () => {
  const spec = (mirror: unknown) => faceSpec(validateManifest(withMirror(mirror)))
  const face = Float32Array.from({ length: 3 * 150 * 150 }, (_, i) => i % 151)

  it.each([
    [true, 2, 2],
    ['supports', 2, 1],
    [false, 1, 1],
    [undefined, 1, 1],
  ])('mirror %s: a stored example takes %i pass(es), a query %i', (mirror, support, query) => {
    const s = spec(mirror)
    expect(faceViews(s, 'support')).toBe(support)
    expect(faceViews(s, 'query')).toBe(query)
    expect(faceInputs([face, face], s, 'support')).toHaveLength(2 * support)
    expect(faceInputs([face, face], s, 'query')).toHaveLength(2 * query)
  })

  it('puts the mirror images after the faces (view-major), each flipped left to right', () => {
    const other = face.map((v) => v + 1)
    const inputs = faceInputs([face, other], spec('supports'), 'support')
    expect(inputs[0]).toBe(face)
    expect(inputs[1]).toBe(other)
    expect(inputs[2]).toEqual(mirroredInput(face, 150))
    expect(inputs[3]![0]).toBe(other[149]) // first row, first pixel <- last pixel of the row
  })

  it("the served alias mirrors stored examples only; a value other than a boolean or 'supports' is refused", () => {
    const catalogue = JSON.parse(readFileSync('models/catalogue.json', 'utf8'))
    expect(faceSpec(manifest(catalogue.aliases.face)).alignment.mirror).toBe('supports')
    expect(() => validateManifest(withMirror('queries'))).toThrow(ManifestError)
    expect(() => validateManifest(withMirror('queries'))).toThrow(/mirror/)
  })
})
