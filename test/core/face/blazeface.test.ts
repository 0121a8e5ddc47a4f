import { describe, expect, it } from 'vitest'
import type { BlazeFaceOutputs } from '../../../src/core'
import {
  anchorCount,
  BLAZEFACE_BACK_256,
  BLAZEFACE_BACK_DEFAULTS,
  BLAZEFACE_FRONT_128,
  blazeFaceAnchors,
  blazeFaceScore,
  bestFace,
  decodeBlazeFace,
  letterbox,
  mergeBlazeFaceOutputs,
  NoFaceError,
  ShapeError,
} from '../../../src/core'

const SPEC = BLAZEFACE_BACK_256
const N = 896
const COORDS = 16
const OPTS = { scoreThreshold: 0.5, iouThreshold: 0.3 }

/** All anchors silent (logit -10); `fire` sets one anchor's logit and 16 regressors. */
function outputs(fire: { anchor: number; logit: number; reg: number[] }[]): BlazeFaceOutputs {
  const scores = new Float32Array(N).fill(-10)
  const regressors = new Float32Array(N * COORDS)
  for (const f of fire) {
    scores[f.anchor] = f.logit
    regressors.set(f.reg, f.anchor * COORDS)
  }
  return { scores, regressors, anchors: N }
}

// Anchor 730: stride-32 layer, cell (4, 4), third of six: centre (144, 144).
const A730 = 512 + (4 * 8 + 4) * 6 + 2
// Box centre +(4, -2), size 40 x 50; keypoints as offsets from the anchor centre.
const REG = [4, -2, 40, 50, -10, -8, 10, -8, 0, 2, 0, 14, -20, -2, 20, -2]

describe('blazeFaceAnchors', () => {
  it('has 896 anchors for the 256 back model: 16x16x2 then 8x8x6', () => {
    const a = blazeFaceAnchors(SPEC)
    expect(anchorCount(SPEC)).toBe(896)
    expect(a.length).toBe(896 * 2)
    // First two anchors share the first stride-16 cell; the 512th is the last stride-16 cell.
    expect([a[0], a[1], a[2], a[3]]).toEqual([8, 8, 8, 8])
    expect([a[511 * 2], a[511 * 2 + 1]]).toEqual([248, 248])
    // Then the stride-32 grid, six per cell, ending at the last cell's centre.
    expect([a[512 * 2], a[512 * 2 + 1]]).toEqual([16, 16])
    expect([a[517 * 2], a[517 * 2 + 1]]).toEqual([16, 16])
    expect([a[518 * 2], a[518 * 2 + 1]]).toEqual([48, 16])
    expect([a[895 * 2], a[895 * 2 + 1]]).toEqual([240, 240])
    expect([a[A730 * 2], a[A730 * 2 + 1]]).toEqual([144, 144])
  })

  it('has the same grids at half the stride for the 128 front model', () => {
    const a = blazeFaceAnchors(BLAZEFACE_FRONT_128)
    expect(a.length / 2).toBe(896)
    expect([a[0], a[1]]).toEqual([4, 4])
    expect([a[1790], a[1791]]).toEqual([120, 120])
  })
})

describe('blazeFaceScore', () => {
  it('is the sigmoid, with the logit clipped', () => {
    expect(blazeFaceScore(0)).toBe(0.5)
    expect(blazeFaceScore(2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15)
    expect(blazeFaceScore(-1e9)).toBe(blazeFaceScore(-100))
    expect(blazeFaceScore(-Infinity, 5)).toBe(1 / (1 + Math.exp(5)))
    expect(blazeFaceScore(Number.NaN)).toBeNaN()
  })
})

describe('decodeBlazeFace', () => {
  it('decodes one anchor into its box and keypoints in detector pixels', () => {
    const faces = decodeBlazeFace(outputs([{ anchor: A730, logit: 2, reg: REG }]), SPEC, null, OPTS)
    expect(faces).toHaveLength(1)
    const [f] = faces
    expect(f.score).toBeCloseTo(1 / (1 + Math.exp(-2)), 6)
    expect(f.box).toEqual({ x: 128, y: 117, width: 40, height: 50 })
    expect(f.keypoints).toEqual([
      [134, 136],
      [154, 136],
      [144, 146],
      [144, 158],
      [124, 142],
      [164, 142],
    ])
  })

  it('maps faces back into the original image through the letterbox', () => {
    // 512 x 256 photo: scale 0.5, 64 px bands top and bottom.
    const lb = letterbox(512, 256, 256)
    const [f] = decodeBlazeFace(outputs([{ anchor: A730, logit: 2, reg: REG }]), SPEC, lb, OPTS)
    expect(f.box).toEqual({ x: 256, y: 106, width: 80, height: 100 })
    expect(f.keypoints[0]).toEqual([268, 144])
    expect(f.keypoints[3]).toEqual([288, 188])
  })

  it('decodes stride-16 anchors with their own centres', () => {
    // Anchor 107: stride-16 cell (5, 3), second of two: centre (88, 56).
    const reg = [0, 0, 16, 16, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]
    const [f] = decodeBlazeFace(outputs([{ anchor: 107, logit: 1, reg }]), SPEC, null, OPTS)
    expect(f.box).toEqual({ x: 80, y: 48, width: 16, height: 16 })
    expect(f.keypoints[5]).toEqual([94, 62])
  })

  it('drops scores below the threshold and returns nothing for an empty picture', () => {
    expect(decodeBlazeFace(outputs([]), SPEC, null, OPTS)).toEqual([])
    const weak = outputs([{ anchor: A730, logit: 0.5, reg: REG }]) // sigmoid 0.62
    expect(decodeBlazeFace(weak, SPEC, null, BLAZEFACE_BACK_DEFAULTS)).toEqual([])
    expect(decodeBlazeFace(weak, SPEC, null, { ...OPTS, scoreThreshold: 0.6 })).toHaveLength(1)
  })

  it('merges neighbouring anchors on one face and keeps separate faces apart', () => {
    // Anchors 730 and 731 share a cell; the second predicts a box 2 px to the right.
    const shifted = REG.map((v, i) => (i % 2 === 0 && i !== 2 ? v + 2 : v))
    const far = 100 // stride-16 cell (2, 3): centre (40, 56)
    const out = outputs([
      { anchor: A730, logit: 3, reg: REG },
      { anchor: A730 + 1, logit: 1, reg: shifted },
      { anchor: far, logit: 2, reg: [0, 0, 30, 30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
    ])
    const s3 = blazeFaceScore(3)
    const s1 = blazeFaceScore(1)
    const weighted = decodeBlazeFace(out, SPEC, null, OPTS)
    expect(weighted.map((f) => f.score)).toEqual([s3, blazeFaceScore(2)])
    expect(weighted[0].box.x).toBeCloseTo(128 + (2 * s1) / (s3 + s1), 5)
    expect(weighted[0].keypoints[0][0]).toBeCloseTo(134 + (2 * s1) / (s3 + s1), 5)
    expect(weighted[1].box).toEqual({ x: 25, y: 41, width: 30, height: 30 })

    const hard = decodeBlazeFace(out, SPEC, null, { ...OPTS, nms: 'hard' })
    expect(hard).toHaveLength(2)
    expect(hard[0].box.x).toBe(128)

    expect(decodeBlazeFace(out, SPEC, null, { ...OPTS, maxFaces: 1 })).toHaveLength(1)
  })

  it('rejects outputs of the wrong size', () => {
    const bad = { scores: new Float32Array(10), regressors: new Float32Array(160), anchors: 10 }
    expect(() => decodeBlazeFace(bad, SPEC, null, OPTS)).toThrow(ShapeError)
  })
})

describe('mergeBlazeFaceOutputs', () => {
  const whole = outputs([
    { anchor: 3, logit: 1, reg: REG },
    { anchor: A730, logit: 2, reg: REG.map((v) => v + 1) },
  ])

  it("orders human's four per-stride outputs by their anchor counts", () => {
    // As the graph lists them: scores 512, scores 384, regressors 512, regressors 384 (shuffled).
    const merged = mergeBlazeFaceOutputs(
      [
        { data: whole.regressors.slice(512 * 16), dims: [1, 384, 16] },
        { data: whole.scores.slice(0, 512), dims: [1, 512, 1] },
        { data: whole.regressors.slice(0, 512 * 16), dims: [1, 512, 16] },
        { data: whole.scores.slice(512), dims: [1, 384, 1] },
      ],
      SPEC,
    )
    expect(merged).toEqual(whole)
  })

  it('splits the concatenated [896, 17] form (logit first)', () => {
    const cat = new Float32Array(N * 17)
    for (let a = 0; a < N; a++) {
      cat[a * 17] = whole.scores[a]
      cat.set(whole.regressors.subarray(a * 16, a * 16 + 16), a * 17 + 1)
    }
    expect(mergeBlazeFaceOutputs([{ data: cat, dims: [1, 896, 17] }], SPEC)).toEqual(whole)
  })

  it('takes whole score and regressor tensors as they are', () => {
    const merged = mergeBlazeFaceOutputs(
      [
        { data: whole.scores, dims: [1, 896, 1] },
        { data: whole.regressors, dims: [1, 896, 16] },
      ],
      SPEC,
    )
    expect(merged).toEqual(whole)
  })

  it('names what is missing', () => {
    expect(() =>
      mergeBlazeFaceOutputs([{ data: whole.scores.slice(0, 512), dims: [1, 512, 1] }], SPEC),
    ).toThrow(ShapeError)
  })
})

describe('bestFace', () => {
  it('returns the best-scoring face or throws NoFaceError (code no_face)', () => {
    const f = (score: number) => ({
      box: { x: 0, y: 0, width: 1, height: 1 },
      score,
      keypoints: [],
    })
    expect(bestFace([f(0.7), f(0.9), f(0.8)]).score).toBe(0.9)
    expect(() => bestFace([])).toThrow(NoFaceError)
    try {
      bestFace([])
    } catch (e) {
      expect((e as NoFaceError).code).toBe('no_face')
      expect((e as NoFaceError).name).toBe('NoFaceError')
    }
  })
})
