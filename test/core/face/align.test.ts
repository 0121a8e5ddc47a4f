import { describe, expect, it } from 'vitest'
import type { Affine, Point } from '../../../src/core'
import {
  alignFace,
  applyAffine,
  BLAZEFACE_TEMPLATE_112,
  cropBox,
  estimateSimilarity,
  scaleTemplate,
  ShapeError,
} from '../../../src/core'
import { randomVectors } from '../random-vectors'
import { at, rgbImage } from './synthetic'

const RAW = { scale: 1, mean: 0 }

function similarity(scale: number, angle: number, tx: number, ty: number): Affine {
  const c = scale * Math.cos(angle)
  const s = scale * Math.sin(angle)
  return { xx: c, xy: -s, x0: tx, yx: s, yy: c, y0: ty }
}

function cost(m: Affine, src: Point[], dst: Point[]): number {
  return src.reduce((sum, p, i) => {
    const [x, y] = applyAffine(m, p)
    return sum + (x - dst[i][0]) ** 2 + (y - dst[i][1]) ** 2
  }, 0)
}

const noise = randomVectors(1, 64, 7)
const src: Point[] = Array.from({ length: 6 }, (_, i) => [
  100 + 80 * noise[2 * i],
  120 + 60 * noise[2 * i + 1],
])

describe('estimateSimilarity', () => {
  it('recovers a known transform exactly from noise-free points', () => {
    const truth = similarity(1.7, 0.3, 5, -7)
    const m = estimateSimilarity(
      src,
      src.map((p) => applyAffine(truth, p)),
    )
    for (const k of ['xx', 'xy', 'x0', 'yx', 'yy', 'y0'] as const) {
      expect(m[k]).toBeCloseTo(truth[k], 9)
    }
  })

  it('is the least-squares fit for noisy points', () => {
    const truth = similarity(0.6, -1.2, 40, 12)
    const dst = src.map((p, i): Point => {
      const [x, y] = applyAffine(truth, p)
      return [x + 2 * noise[20 + 2 * i], y + 2 * noise[21 + 2 * i]]
    })
    const m = estimateSimilarity(src, dst)
    expect(Math.hypot(m.xx, m.yx)).toBeCloseTo(0.6, 1)
    expect(Math.atan2(m.yx, m.xx)).toBeCloseTo(-1.2, 1)
    // No nudge of the four similarity parameters lowers the squared error.
    const best = cost(m, src, dst)
    const params = (a: number, b: number, tx: number, ty: number): Affine => ({
      xx: a,
      xy: -b,
      x0: tx,
      yx: b,
      yy: a,
      y0: ty,
    })
    for (const [da, db, dx, dy] of [
      [1e-4, 0, 0, 0],
      [-1e-4, 0, 0, 0],
      [0, 1e-4, 0, 0],
      [0, -1e-4, 0, 0],
      [0, 0, 1e-3, 0],
      [0, 0, -1e-3, 0],
      [0, 0, 0, 1e-3],
      [0, 0, 0, -1e-3],
    ]) {
      const nudged = params(m.xx + da, m.yx + db, m.x0 + dx, m.y0 + dy)
      expect(cost(nudged, src, dst)).toBeGreaterThanOrEqual(best)
    }
  })

  it('never reflects: mirrored targets still give a rotation', () => {
    const mirrored = src.map(([x, y]): Point => [-x, y])
    const m = estimateSimilarity(src, mirrored)
    expect(m.xx).toBeCloseTo(m.yy, 12)
    expect(m.xy).toBeCloseTo(-m.yx, 12)
  })

  it('rejects too few, mismatched or coincident points', () => {
    expect(() => estimateSimilarity([[0, 0]], [[1, 1]])).toThrow(ShapeError)
    expect(() => estimateSimilarity(src, src.slice(1))).toThrow(ShapeError)
    const same: Point[] = [
      [3, 3],
      [3, 3],
    ]
    expect(() => estimateSimilarity(same, src.slice(0, 2))).toThrow(ShapeError)
  })
})

// A white 10x10 square at [10, 20) x [10, 20) on black, 40 x 40; a red dot marks its top-left.
const square = rgbImage(40, 40, (x, y) => {
  if (x >= 10 && x < 20 && y >= 10 && y < 20)
    return x < 12 && y < 12 ? [255, 0, 0] : [255, 255, 255]
  return [0, 0, 0]
})
const corners: Point[] = [
  [10, 10],
  [20, 10],
  [20, 20],
  [10, 20],
]

describe('alignFace', () => {
  it('warps keypoints onto the template with the expected pixel values', () => {
    // Corners onto (2, 2)..(18, 18) in a 20x20 crop: scale 1.6.
    const template: Point[] = [
      [2, 2],
      [18, 2],
      [18, 18],
      [2, 18],
    ]
    const { data, transform } = alignFace(square, corners, template, [20, 20], RAW)
    expect(applyAffine(transform, [15, 15])[0]).toBeCloseTo(10, 9)
    for (let j = 0; j < 20; j++) {
      for (let i = 0; i < 20; i++) {
        // Output column i reads source x = (i + 0.5 - 2) / 1.6 + 10, likewise for rows.
        const sx = (i + 0.5 - 2) / 1.6 + 10
        const sy = (j + 0.5 - 2) / 1.6 + 10
        const wx = Math.min(1, Math.max(0, sx - 9.5)) - Math.min(1, Math.max(0, sx - 19.5))
        const wy = Math.min(1, Math.max(0, sy - 9.5)) - Math.min(1, Math.max(0, sy - 19.5))
        // Green excludes the red corner; away from it, coverage x coverage of the white square.
        if (i > 6 || j > 6) expect(at(data, 20, 20, 1, i, j)).toBeCloseTo(255 * wx * wy, 3)
      }
    }
    expect(at(data, 20, 20, 0, 3, 3)).toBe(255) // red dot
    expect(at(data, 20, 20, 1, 3, 3)).toBe(0)
    expect(at(data, 20, 20, 1, 10, 10)).toBe(255)
    // Edge: column 2 reads x = 10.3125, 81.25% of the way into the first white column.
    expect(at(data, 20, 20, 1, 2, 10)).toBeCloseTo(255 * 0.8125, 3)
  })

  it('undoes a rotation: a quarter-turned template turns the square', () => {
    // The square's top-left (red) corner goes to the crop's top-right.
    const turned: Point[] = [
      [18, 2],
      [18, 18],
      [2, 18],
      [2, 2],
    ]
    const { data } = alignFace(square, corners, turned, [20, 20], RAW)
    expect(at(data, 20, 20, 0, 16, 3)).toBe(255)
    expect(at(data, 20, 20, 1, 16, 3)).toBe(0)
    expect(at(data, 20, 20, 1, 3, 3)).toBe(255)
  })

  it('fills what falls outside the photo, normalised like the pixels', () => {
    // Zoomed out 4x around the square: most of the crop lies outside the 40x40 photo.
    const template = corners.map(([x, y]): Point => [(x - 15) / 4 + 30, (y - 15) / 4 + 30])
    const norm = { scale: 1 / 255, mean: [0.5, 0.5, 0.5] as const, std: [0.5, 0.5, 0.5] as const }
    const { data } = alignFace(square, corners, template, [60, 60], norm, { fill: 128 })
    for (let c = 0; c < 3; c++)
      expect(at(data, 60, 60, c, 1, 1)).toBeCloseTo((128 / 255 - 0.5) / 0.5, 5)
    expect(at(data, 60, 60, 1, 30, 30)).toBeCloseTo(1, 5) // square centre: white
    expect(at(data, 60, 60, 1, 26, 26)).toBeCloseTo(-1, 5) // source (1, 1): in the photo, black
  })
})

describe('scaleTemplate', () => {
  it('rescales the 112 template per axis', () => {
    const t = scaleTemplate(BLAZEFACE_TEMPLATE_112, [112, 112], [224, 168])
    expect(t[0][0]).toBeCloseTo(BLAZEFACE_TEMPLATE_112[0][0] * 2, 12)
    expect(t[0][1]).toBeCloseTo(BLAZEFACE_TEMPLATE_112[0][1] * 1.5, 12)
  })
})

describe('cropBox', () => {
  it('crops a square around the box with a margin on each side', () => {
    // Box = the white square; margin 0.5 doubles the side: source [5, 25) onto 20 output px.
    const box = { x: 10, y: 10, width: 10, height: 10 }
    const { data, transform } = cropBox(square, box, [20, 20], RAW, 0.5)
    expect(applyAffine(transform, [5, 5])).toEqual([0, 0])
    expect(applyAffine(transform, [25, 25])).toEqual([20, 20])
    expect(at(data, 20, 20, 1, 4, 4)).toBe(0) // source (9, 9)
    expect(at(data, 20, 20, 0, 5, 5)).toBe(255) // source (10, 10): red
    expect(at(data, 20, 20, 1, 5, 5)).toBe(0)
    expect(at(data, 20, 20, 1, 14, 14)).toBe(255) // source (19, 19): white
    expect(at(data, 20, 20, 1, 15, 15)).toBe(0)
  })

  it('takes the longer side of the box and centres a non-square output', () => {
    const box = { x: 12, y: 10, width: 6, height: 10 }
    const { transform } = cropBox(square, box, [30, 20], RAW, 0)
    // Side 10 onto min(30, 20) = 20 px: scale 2, box centre (15, 15) onto the crop centre.
    expect(applyAffine(transform, [15, 15])).toEqual([15, 10])
    expect(applyAffine(transform, [10, 10])).toEqual([5, 0])
    expect(() => cropBox(square, { ...box, width: 0, height: 0 }, [8, 8], RAW)).toThrow(ShapeError)
  })
})
