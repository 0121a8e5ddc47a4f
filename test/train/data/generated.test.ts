import { describe, expect, it } from 'vitest'
import { afterAll } from 'vitest'
import {
  EpisodeSampler,
  generateGlyphDataset,
  glyphToPng,
  loadImageFolder,
  validateDataset,
  writeGlyphFolder,
} from '../../../src/train/data'
import type { ImageDataset } from '../../../src/train/data'
import { removeTempDirs, tempDir } from './fixtures'

afterAll(removeTempDirs)

const opts = { alphabets: 3, charactersPerAlphabet: 4, drawingsPerCharacter: 5, size: 28, seed: 11 }

/** 5-way 1-shot accuracy of nearest neighbour on raw pixels (squared L2). */
function nnAccuracy(ds: ImageDataset, episodes: number): number {
  const s = new EpisodeSampler(ds, { ways: 5, shots: 1, queries: 5, rng: 2 })
  const px = ds.height * ds.width
  let ok = 0
  let total = 0
  for (let e = 0; e < episodes; e++) {
    const ep = s.next()
    for (let q = ep.ways; q < ep.indices.length; q++) {
      let best = -1
      let bestD = Infinity
      for (let k = 0; k < ep.ways; k++) {
        let d = 0
        for (let i = 0; i < px; i++) {
          const t = ds.pixels[ep.indices[q] * px + i] - ds.pixels[ep.indices[k] * px + i]
          d += t * t
        }
        if (d < bestD) [bestD, best] = [d, k]
      }
      ok += best === ep.labels[q] ? 1 : 0
      total++
    }
  }
  return ok / total
}

describe('generated glyph dataset', () => {
  it('is deterministic in the seed, and characters do not depend on the counts', () => {
    const a = generateGlyphDataset(opts)
    const b = generateGlyphDataset(opts)
    expect(b.pixels).toEqual(a.pixels)
    expect(generateGlyphDataset({ ...opts, seed: 12 }).pixels).not.toEqual(a.pixels)
    const small = generateGlyphDataset({ ...opts, alphabets: 1, drawingsPerCharacter: 2 })
    const px = 28 * 28
    // alphabet 0, character 1, drawing 1: index 1*5+1 in `a`, 1*2+1 in `small`.
    expect(small.pixels.subarray(3 * px, 4 * px)).toEqual(a.pixels.subarray(6 * px, 7 * px))
  })

  it('has the dataset shape, Omniglot-like names and ink in [0, 1]', () => {
    const ds = validateDataset(generateGlyphDataset(opts))
    expect(ds.labels.length).toBe(60)
    expect(ds.classes.length).toBe(12)
    expect(ds.classes[5]).toEqual({ name: 'alphabet02/character02', group: 'alphabet02' })
    let min = Infinity
    let max = -Infinity
    for (const v of ds.pixels) [min, max] = [Math.min(min, v), Math.max(max, v)]
    expect(min).toBe(0)
    expect(max).toBeGreaterThan(0.9)
    expect(max).toBeLessThanOrEqual(1)
    // Every drawing has some ink, and drawings of one character differ.
    const px = 28 * 28
    for (let i = 0; i < 60; i++) {
      const ink = ds.pixels.subarray(i * px, (i + 1) * px).reduce((s, v) => s + v, 0)
      expect(ink).toBeGreaterThan(10)
    }
    expect(ds.pixels.subarray(0, px)).not.toEqual(ds.pixels.subarray(px, 2 * px))
  })

  it('is learnable: raw-pixel nearest neighbour beats chance clearly at 5-way 1-shot', () => {
    const o = { alphabets: 4, charactersPerAlphabet: 10, drawingsPerCharacter: 6, seed: 5 }
    const ds = generateGlyphDataset(o)
    const acc = nnAccuracy(ds, 100)
    expect(acc).toBeGreaterThan(0.5) // chance is 0.2
    // ...but not trivially: with jitter, drawings of a class are not copies.
    const still = generateGlyphDataset({ ...o, jitter: 0 })
    expect(nnAccuracy(still, 20)).toBe(1)
    expect(acc).toBeLessThan(1)
  })

  it('writes a PNG folder that loads back to the same pixels', () => {
    const dir = tempDir()
    const small = { alphabets: 2, charactersPerAlphabet: 2, drawingsPerCharacter: 3, seed: 4 }
    expect(writeGlyphFolder(dir, small)).toBe(12)
    const loaded = loadImageFolder(dir, { twoLevel: true, height: 28 })
    const made = generateGlyphDataset(small)
    expect(loaded.classes).toEqual(made.classes)
    expect(loaded.pixels).toEqual(made.pixels)
    const png = glyphToPng(small, 0, 0, 0)
    expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]) // 'PNG'
  })
})
