import { describe, expect, it } from 'vitest'
import {
  Rng,
  affineJitter,
  augmentRotations,
  generateGlyphDataset,
  indicesByClass,
  jitterBatch,
  rotate90,
  validateDataset,
} from '../../../src/train/data'

const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0)

describe('rotations', () => {
  const img = Float32Array.from({ length: 16 }, (_, i) => i)

  it('rotates counter-clockwise; four quarter turns are the identity', () => {
    // 0 1 2 3 / 4 5 6 7 / ...: CCW puts the top-right corner (3) at the top-left.
    expect(rotate90(img, 4, 4, 90)[0]).toBe(3)
    expect(rotate90(img, 4, 4, 270)[0]).toBe(12)
    expect(rotate90(img, 4, 4, 180)).toEqual(img.slice().reverse())
    let x: Float32Array = img
    for (let i = 0; i < 4; i++) x = rotate90(x, 4, 4, 90)
    expect(x).toEqual(img)
    expect(rotate90(rotate90(img, 4, 4, 90), 4, 4, 180)).toEqual(rotate90(img, 4, 4, 270))
    expect(() => rotate90(new Float32Array(6), 2, 3, 90)).toThrow(/square/)
  })

  it('augmentRotations makes new classes, keeps groups, class-major', () => {
    const ds = generateGlyphDataset({
      alphabets: 2,
      charactersPerAlphabet: 2,
      drawingsPerCharacter: 3,
      size: 8,
    })
    const r = validateDataset(augmentRotations(ds))
    expect(r.classes.length).toBe(16)
    expect(r.labels.length).toBe(48)
    expect(r.classes.slice(0, 2)).toEqual([
      { name: 'alphabet01/character01/rot000', group: 'alphabet01' },
      { name: 'alphabet01/character01/rot090', group: 'alphabet01' },
    ])
    expect(r.classes[15].group).toBe('alphabet02')
    const px = 64
    const by = indicesByClass(r)
    const orig = ds.pixels.subarray(0, px)
    expect(r.pixels.subarray(by[0][0] * px, by[0][0] * px + px)).toEqual(orig)
    expect(r.pixels.subarray(by[1][0] * px, by[1][0] * px + px)).toEqual(rotate90(orig, 8, 8, 90))
  })
})

describe('affine jitter', () => {
  const ds = generateGlyphDataset({
    alphabets: 2,
    charactersPerAlphabet: 5,
    drawingsPerCharacter: 4,
    size: 28,
    seed: 9,
  })
  const px = 28 * 28

  it('roughly keeps the ink mass and changes the pixels', () => {
    const rng = new Rng(4)
    for (let i = 0; i < ds.labels.length; i++) {
      const src = ds.pixels.subarray(i * px, (i + 1) * px)
      const out = affineJitter(src, 28, 28, rng)
      // Scale up to +-10% changes the area by up to ~21%; bilinear blurs a little.
      expect(sum(out) / sum(src)).toBeGreaterThan(0.7)
      expect(sum(out) / sum(src)).toBeLessThan(1.35)
      expect(out).not.toEqual(src)
    }
  })

  it('is the identity with zero ranges, and seeded', () => {
    const src = ds.pixels.subarray(0, px)
    const zero = { rotateDeg: 0, scale: 0, shear: 0, translate: 0 }
    const id = affineJitter(src, 28, 28, new Rng(1), zero)
    for (let i = 0; i < px; i++) expect(id[i]).toBeCloseTo(src[i], 5)
    const a = jitterBatch(ds.pixels.subarray(0, 3 * px), 28, 28, new Rng(7))
    const b = jitterBatch(ds.pixels.subarray(0, 3 * px), 28, 28, new Rng(7))
    expect(a).toEqual(b)
    expect(a.subarray(0, px)).not.toEqual(affineJitter(src, 28, 28, new Rng(8)))
  })
})

describe('3-channel images (channel planes, as core preprocesses RGB)', () => {
  // two images of 3 planes 4x4; plane c of image i holds 100 * i + 10 * c + pixel index
  const planes = Float32Array.from({ length: 2 * 3 * 16 }, (_, k) => {
    const [i, c, p] = [Math.floor(k / 48), Math.floor(k / 16) % 3, k % 16]
    return 100 * i + 10 * c + p
  })
  const ds = {
    height: 4,
    width: 4,
    channels: 3,
    pixels: planes,
    labels: Int32Array.from([0, 1]),
    classes: [
      { name: 'a', group: 'g' },
      { name: 'b', group: 'g' },
    ],
  }

  it('rotations turn every plane of an image alike and keep the channels', () => {
    const r = validateDataset(augmentRotations(ds, [0, 90]))
    expect(r.channels).toBe(3)
    expect(r.pixels.length).toBe(4 * 48)
    // image 1 (b/rot090) is image 0 turned: each of its planes is that plane of image 0 turned
    for (let c = 0; c < 3; c++)
      expect(r.pixels.subarray(48 + 16 * c, 64 + 16 * c)).toEqual(
        rotate90(planes.subarray(16 * c, 16 * (c + 1)), 4, 4, 90),
      )
  })

  it('jitter draws one transform per image, the same for its planes', () => {
    const flat = Float32Array.from(planes, (v) => v % 10) // planes of one image now equal
    const out = jitterBatch(flat, 4, 4, new Rng(3), {}, 3)
    for (const i of [0, 1]) {
      const plane = (c: number) => out.subarray(48 * i + 16 * c, 48 * i + 16 * (c + 1))
      expect(plane(1)).toEqual(plane(0))
      expect(plane(2)).toEqual(plane(0))
    }
    // a 1-channel batch of the same 6 planes draws 6 transforms: plane 1 then differs
    const single = jitterBatch(flat, 4, 4, new Rng(3))
    expect(single.subarray(0, 16)).toEqual(out.subarray(0, 16))
    expect(single.subarray(16, 32)).not.toEqual(out.subarray(16, 32))
  })
})
