import { describe, expect, it } from 'vitest'
import type { DetectedFace } from '../../../src/core'
import { iou, nonMaxSuppression } from '../../../src/core'

function face(x: number, y: number, size: number, score: number): DetectedFace {
  return {
    box: { x, y, width: size, height: size },
    score,
    keypoints: [
      [x + size / 4, y + size / 3],
      [x + (3 * size) / 4, y + size / 3],
    ],
  }
}

describe('iou', () => {
  it('is 1 for equal boxes, 0 for disjoint ones, and the overlap ratio otherwise', () => {
    const a = { x: 0, y: 0, width: 10, height: 10 }
    expect(iou(a, a)).toBe(1)
    expect(iou(a, { x: 10, y: 0, width: 10, height: 10 })).toBe(0)
    expect(iou(a, { x: 5, y: 0, width: 10, height: 10 })).toBeCloseTo(50 / 150, 12)
  })
})

describe('nonMaxSuppression', () => {
  // A and B overlap (IoU 90/110); C is a separate face.
  const a = face(0, 0, 10, 0.9)
  const b = face(1, 0, 10, 0.6)
  const c = face(50, 50, 10, 0.7)
  const sorted = [a, c, b]

  it('hard: keeps the best of overlapping boxes and keeps separate faces', () => {
    expect(nonMaxSuppression(sorted, 0.3, 'hard')).toEqual([a, c])
  })

  it('weighted: blends the cluster by score and keeps the best score', () => {
    const [merged, other] = nonMaxSuppression(sorted, 0.3, 'weighted')
    expect(other).toEqual(c)
    expect(merged.score).toBe(0.9)
    expect(merged.box.x).toBeCloseTo((0.9 * 0 + 0.6 * 1) / 1.5, 12)
    expect(merged.box.y).toBeCloseTo(0, 12)
    expect(merged.box.width).toBeCloseTo(10, 12)
    expect(merged.keypoints[0][0]).toBeCloseTo((0.9 * 2.5 + 0.6 * 3.5) / 1.5, 12)
    expect(merged.keypoints[1][1]).toBeCloseTo(10 / 3, 12)
  })

  it('does not merge boxes at or below the IoU threshold', () => {
    expect(nonMaxSuppression([a, b], 0.9, 'weighted')).toEqual([a, b])
  })

  it('stops at maxFaces', () => {
    expect(nonMaxSuppression(sorted, 0.3, 'hard', 1)).toEqual([a])
    expect(nonMaxSuppression([], 0.3, 'weighted')).toEqual([])
  })
})
