// Renders one classify result synchronously, so it shows in the frame the answer arrives.
// Bars are distances (shorter is closer); the red line is the "unknown" threshold.
import { el } from './dom'

export interface Ranked {
  label: string
  distance: number
}
export interface ClassifyResult {
  label: string | null
  distance: number
  unknown: boolean
  top?: Ranked[]
}

/** A distance as shown: three decimals. */
export function fmt(x: unknown): string {
  return typeof x === 'number' ? x.toFixed(3) : String(x)
}

/** The distance a full bar stands for: 10% past the larger of the threshold and the farthest. */
export function barScale(top: Ranked[], threshold: number | null): number {
  const farthest = top.length ? top[top.length - 1]!.distance : 0
  return Math.max(threshold || 0, farthest, 1e-9) * 1.1
}

export function renderResult(box: HTMLElement, r: ClassifyResult, threshold: number | null): void {
  box.textContent = ''
  const answer = el('p')
  answer.className = 'answer' + (r.unknown ? ' unknown' : '')
  answer.id = 'prediction'
  answer.textContent = r.unknown ? 'unknown' : String(r.label)
  const lead = el(
    'p',
    r.unknown
      ? `Nothing is close enough (nearest distance ${fmt(r.distance)} is over the threshold` +
          (threshold != null ? ` ${fmt(threshold)}` : '') +
          ').'
      : `Prediction (distance ${fmt(r.distance)}):`,
  )
  lead.className = 'note'
  box.append(lead, answer)
  const top = r.top ?? []
  if (!top.length) return
  const scale = barScale(top, threshold)
  const caption = el(
    'p',
    `Top ${top.length} by distance (shorter bar is closer` +
      (threshold != null ? '; the red line is the unknown threshold' : '') +
      '):',
  )
  caption.className = 'note'
  const ol = el('ol')
  ol.className = 'top'
  for (const t of top) {
    const li = el('li')
    if (threshold != null && t.distance > threshold) li.className = 'over'
    const name = el('span', t.label)
    name.className = 'name'
    const track = el('span')
    track.className = 'track'
    track.setAttribute('aria-hidden', 'true')
    const bar = el('span')
    bar.className = 'bar'
    bar.style.width = `${Math.min(100, (100 * t.distance) / scale)}%`
    track.append(bar)
    if (threshold != null) {
      const limit = el('span')
      limit.className = 'limit'
      limit.style.left = `${(100 * threshold) / scale}%`
      track.append(limit)
    }
    const dist = el('span', fmt(t.distance))
    dist.className = 'dist'
    li.append(name, track, dist)
    ol.append(li)
  }
  box.append(caption, ol)
}
