import type { Prediction } from '../../core'
import type { FoundFace } from './faces'

/**
 * A similarity people can read, 0-100: 100 at distance 0, 50 at the model's (or request's)
 * threshold, 0 at twice the threshold or more. Above 50 is a match; the raw distance stays
 * beside it for clients that calibrate their own cut.
 */
export function similarity(distance: number, threshold: number): number {
  if (!(threshold > 0)) return distance <= threshold ? 100 : 0
  const s = 100 * (1 - distance / (2 * threshold))
  return Math.round(Math.min(100, Math.max(0, s)) * 10) / 10
}

/** One face of a classify answer. */
export type FacePrediction = Prediction & { box: FoundFace['box']; similarity: number }

/** A classify result of a face model: the largest face's fields on top, then every face. */
export interface FaceResult {
  label: string | null
  unknown: boolean
  /** null when the image holds no face. */
  distance: number | null
  similarity: number | null
  box: FoundFace['box'] | null
  top: Prediction['top']
  faces: FacePrediction[]
}

/**
 * Groups per-face predictions by image (faces arrive largest first per image), so that the
 * top-level fields describe the largest face and an older client still reads one answer per image.
 */
export function faceResults(
  images: number,
  faces: FoundFace[],
  predictions: Prediction[],
  threshold: number,
): FaceResult[] {
  return Array.from({ length: images }, (_, i) => {
    const mine: FacePrediction[] = []
    faces.forEach((f, j) => {
      if (f.image !== i) return
      const p = predictions[j]!
      mine.push({ ...p, box: f.box, similarity: similarity(p.distance, threshold) })
    })
    const first = mine[0]
    return {
      label: first?.label ?? null,
      unknown: first ? first.unknown : true,
      distance: first?.distance ?? null,
      similarity: first?.similarity ?? null,
      box: first?.box ?? null,
      top: first?.top ?? [],
      faces: mine,
    }
  })
}
