/**
 * Open-set identification ("who is it, or nobody we know?"), scored the usual way (e.g. the
 * IJB and MegaFace protocols): one enrolled photo per known person (the gallery); probes of
 * enrolled people and of people never enrolled. A probe's answer is its nearest gallery entry
 * and that distance. Rank-1 accuracy ignores the threshold; the detection-and-identification
 * rate (DIR) at a false-alarm rate counts known probes identified correctly AND under the
 * threshold that lets through that fraction of the unknown probes.
 */
import { distance, type ModelManifest } from '../../core'

export interface OpenSetInput {
  gallery: { person: string; embedding: Float32Array }[]
  probes: { person: string; embedding: Float32Array }[]
}

export interface OpenSetReport {
  gallery: number
  knownProbes: number
  unknownProbes: number
  /** fraction of known probes whose nearest gallery entry is the right person */
  rank1: number
  /** DIR at each false-alarm rate (fraction of unknown probes accepted), with its threshold */
  dir: { falseAlarmRate: number; dir: number; threshold: number }[]
  /** at a given threshold (the manifest's): DIR and the false-alarm rate it gives */
  atThreshold?: { threshold: number; dir: number; falseAlarmRate: number }
}

/** Scores open-set identification; `threshold` (optional) is the manifest's "unknown" cut. */
export function openSet(
  input: OpenSetInput,
  metric: ModelManifest['metric'],
  falseAlarmRates = [0.01, 0.1],
  threshold?: number,
): OpenSetReport {
  const enrolled = new Set(input.gallery.map((g) => g.person))
  const nearest = input.probes.map((p) => {
    let best = { person: '', d: Infinity }
    for (const g of input.gallery) {
      const d = distance(metric, p.embedding, g.embedding)
      if (d < best.d) best = { person: g.person, d }
    }
    return { known: enrolled.has(p.person), right: best.person === p.person, d: best.d }
  })
  const known = nearest.filter((n) => n.known)
  const unknown = nearest
    .filter((n) => !n.known)
    .map((n) => n.d)
    .sort((a, b) => a - b)
  if (!known.length || !unknown.length)
    throw new RangeError('openSet: needs known and unknown probes')
  const dirAt = (t: number) => known.filter((n) => n.right && n.d <= t).length / known.length
  const alarmsAt = (t: number) => unknown.filter((d) => d <= t).length / unknown.length
  const dir = falseAlarmRates.map((far) => {
    // the largest threshold accepting at most `far` of the unknown probes: below the next one
    const allowed = Math.floor(far * unknown.length + 1e-9)
    const t = allowed >= unknown.length ? Infinity : unknown[allowed]! - 1e-9
    return { falseAlarmRate: alarmsAt(t), dir: dirAt(t), threshold: t }
  })
  return {
    gallery: input.gallery.length,
    knownProbes: known.length,
    unknownProbes: unknown.length,
    rank1: known.filter((n) => n.right).length / known.length,
    dir,
    ...(threshold === undefined
      ? {}
      : { atThreshold: { threshold, dir: dirAt(threshold), falseAlarmRate: alarmsAt(threshold) } }),
  }
}
