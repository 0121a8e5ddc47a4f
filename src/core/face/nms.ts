/**
 * Non-maximum suppression over detections. BlazeFace's anchors are dense (2 per 16 px cell and 6
 * per 32 px cell at 256 input), so one face fires a cluster of overlapping anchors.
 */
import { iou, type Box, type Point } from './geometry'

export interface DetectedFace {
  box: Box
  /** Sigmoid of the logit, 0..1. */
  score: number
  /** BlazeFace: BLAZEFACE_KEYPOINTS order. */
  keypoints: Point[]
}

export type NmsMode = 'weighted' | 'hard'

/**
 * Greedy suppression, best score first. Each kept face absorbs every remaining detection whose
 * IoU with it exceeds `iouThreshold`.
 *
 * - 'weighted' (MediaPipe's choice for BlazeFace, the paper's "blending" tie resolution): the
 *   kept face's box and keypoints become the score-weighted mean of its cluster; its score stays
 *   the best one. Averaging the cluster's regressions reduces their noise (the BlazeFace paper
 *   reports ~10% better keypoint accuracy and less frame-to-frame jitter), which matters here
 *   because alignment warps on those keypoints.
 * - 'hard': the best detection of the cluster as is (tf.image.nonMaxSuppression, what human uses).
 *
 * `detections` must be sorted by descending score; `maxFaces` caps the output.
 */
export function nonMaxSuppression(
  detections: readonly DetectedFace[],
  iouThreshold: number,
  mode: NmsMode,
  maxFaces = Infinity,
): DetectedFace[] {
  const kept: DetectedFace[] = []
  let remaining = detections.slice()
  while (remaining.length > 0 && kept.length < maxFaces) {
    const best = remaining[0]
    const cluster: DetectedFace[] = []
    const rest: DetectedFace[] = []
    for (const d of remaining) {
      if (d === best || iou(best.box, d.box) > iouThreshold) cluster.push(d)
      else rest.push(d)
    }
    kept.push(mode === 'weighted' ? blend(cluster) : best)
    remaining = rest
  }
  return kept
}

/** Score-weighted mean of box corners and keypoints; cluster[0] is the best. */
function blend(cluster: readonly DetectedFace[]): DetectedFace {
  const best = cluster[0]
  if (cluster.length === 1) return best
  let total = 0
  let x0 = 0
  let y0 = 0
  let x1 = 0
  let y1 = 0
  const kps = best.keypoints.map((): Point => [0, 0])
  for (const d of cluster) {
    const w = d.score
    total += w
    x0 += w * d.box.x
    y0 += w * d.box.y
    x1 += w * (d.box.x + d.box.width)
    y1 += w * (d.box.y + d.box.height)
    for (let k = 0; k < kps.length; k++) {
      kps[k][0] += w * d.keypoints[k][0]
      kps[k][1] += w * d.keypoints[k][1]
    }
  }
  // All scores 0 (threshold 0 and saturated logits): nothing to weigh by, keep the best as is.
  if (!(total > 0)) return best
  for (const p of kps) {
    p[0] /= total
    p[1] /= total
  }
  return {
    box: { x: x0 / total, y: y0 / total, width: (x1 - x0) / total, height: (y1 - y0) / total },
    score: best.score,
    keypoints: kps,
  }
}
