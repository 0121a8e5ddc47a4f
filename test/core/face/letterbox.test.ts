import { describe, expect, it } from 'vitest'
import {
  applyAffine,
  boxFromDetector,
  composeAffine,
  fromDetector,
  invertAffine,
  letterbox,
  letterboxAffine,
  ShapeError,
  toDetector,
} from '../../../src/core'

describe('letterbox', () => {
  it('fits the longer side and centres the shorter one', () => {
    expect(letterbox(400, 200, 256)).toEqual({
      size: 256,
      srcWidth: 400,
      srcHeight: 200,
      scale: 0.64,
      offsetX: 0,
      offsetY: 64,
    })
    const portrait = letterbox(100, 300, 150)
    expect(portrait.scale).toBe(0.5)
    expect(portrait.offsetX).toBe(50)
    expect(portrait.offsetY).toBe(0)
  })

  it('maps the source corners onto the edges of the fitted area', () => {
    const lb = letterbox(400, 200, 256)
    expect(toDetector(lb, [0, 0])).toEqual([0, 64])
    expect(toDetector(lb, [400, 200])).toEqual([256, 192])
  })

  it('round-trips points both ways', () => {
    for (const [w, h, s] of [
      [640, 480, 256],
      [123, 457, 128],
      [1000, 1000, 256],
    ]) {
      const lb = letterbox(w, h, s)
      for (const p of [
        [0, 0],
        [w, h],
        [w / 3, h / 7],
        [-5, h + 2],
      ] as [number, number][]) {
        const back = fromDetector(lb, toDetector(lb, p))
        expect(back[0]).toBeCloseTo(p[0], 9)
        expect(back[1]).toBeCloseTo(p[1], 9)
      }
      const round = composeAffine(invertAffine(letterboxAffine(lb)), letterboxAffine(lb))
      expect(applyAffine(round, [17, 29])[0]).toBeCloseTo(17, 9)
      expect(applyAffine(round, [17, 29])[1]).toBeCloseTo(29, 9)
    }
  })

  it('maps a detector box back to source pixels', () => {
    const lb = letterbox(400, 200, 256)
    expect(boxFromDetector(lb, { x: 32, y: 96, width: 64, height: 32 })).toEqual({
      x: 50,
      y: 50,
      width: 100,
      height: 50,
    })
  })

  it('rejects empty sizes', () => {
    expect(() => letterbox(0, 10, 256)).toThrow(ShapeError)
  })
})
