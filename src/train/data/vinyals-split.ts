/**
 * The Vinyals et al. class split (Matching Networks; reused by Prototypical Networks): one line
 * per class, `Alphabet/characterNN/rotDDD`, each character with its four rotations.
 */
import type { RightAngle } from './augment'

/** The four split files in `splits/vinyals/`. */
export const VINYALS_SPLITS = ['train', 'val', 'test', 'trainval'] as const
export type VinyalsSplitName = (typeof VINYALS_SPLITS)[number]

/** One class of the split: a character of an alphabet, rotated counter-clockwise. */
export interface VinyalsClass {
  alphabet: string
  character: string
  rotation: RightAngle
}

const ROT = /^rot(000|090|180|270)$/

/**
 * Parses a split file's text. Blank lines and `#` comments are ignored; anything else that is
 * not `Alphabet/character/rotDDD` throws naming the line.
 * @example parseVinyalsSplit('Latin/character01/rot000\n')[0].rotation // 0
 */
export function parseVinyalsSplit(text: string, source = 'split file'): VinyalsClass[] {
  const out: VinyalsClass[] = []
  const seen = new Set<string>()
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const parts = line.split('/')
    const m = parts.length === 3 ? ROT.exec(parts[2]) : null
    if (!m || !parts[0] || !parts[1])
      throw new Error(`${source}:${i + 1}: expected "Alphabet/character/rotDDD", got "${line}"`)
    if (seen.has(line)) throw new Error(`${source}:${i + 1}: "${line}" is listed twice`)
    seen.add(line)
    out.push({ alphabet: parts[0], character: parts[1], rotation: Number(m[1]) as RightAngle })
  })
  return out
}
