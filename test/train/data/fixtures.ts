import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encode } from 'fast-png'
import { encode as encodeJpeg } from 'jpeg-js'
import { zipSync } from 'fflate'
import type { Zippable } from 'fflate'

/**
 * A 21x21 white PNG with a black 7x7 block whose position encodes (char, drawing), so a test
 * can tell which file ended up where after decoding and rotation.
 */
export function blockPng(char: number, drawing: number, side = 21): Uint8Array {
  const data = new Uint8Array(side * side).fill(255)
  const bx = (char * 7) % 14
  const by = drawing * 7
  for (let y = by; y < by + 7; y++) for (let x = bx; x < bx + 7; x++) data[y * side + x] = 0
  return encode({ width: side, height: side, channels: 1, depth: 8, data })
}

export const ALPHABETS = ['Alpha', 'Beta']
export const CHARS = ['character01', 'character02', 'character03']
export const DRAWINGS = 2

/** Official-layout tree: `<part>/<Alphabet>/<character>/<NNNN_MM>.png` (2 x 3 x 2). */
export function omniglotTree(part: string): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {}
  ALPHABETS.forEach((a, ai) =>
    CHARS.forEach((c, ci) => {
      const id = String(ai * 10 + ci).padStart(4, '0')
      for (let d = 0; d < DRAWINGS; d++)
        files[`${part}/${a}/${c}/${id}_0${d + 1}.png`] = blockPng(ci, d)
    }),
  )
  return files
}

/** The same tree as an official zip (with directory entries, as the real zips have). */
export function omniglotZip(part: string): Uint8Array {
  const z: Zippable = {}
  for (const [path, bytes] of Object.entries(omniglotTree(part))) z[path] = bytes
  z['__MACOSX/._junk.png'] = new Uint8Array([1, 2, 3])
  return zipSync(z)
}

const made: string[] = []

/** A fresh temp folder, removed by {@link removeTempDirs} (call it in afterAll). */
export function tempDir(prefix = 'data-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix))
  made.push(d)
  return d
}

export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true })
}

export function writeTree(root: string, files: Record<string, Uint8Array | string>): void {
  for (const [path, bytes] of Object.entries(files)) {
    const full = join(root, path)
    mkdirSync(join(full, '..'), { recursive: true })
    writeFileSync(full, bytes)
  }
}

/**
 * A `side` x `side` RGB JPEG of person `person`, photo `photo`: a face-sized disc in the person's
 * own colour on a grey background, moved a little per photo, so people differ in colour and
 * photos of one person differ in position.
 */
export function personJpeg(person: number, photo: number, side = 24): Uint8Array {
  const colour = [(person * 97) % 256, (person * 57 + 80) % 256, (person * 23 + 160) % 256]
  const cx = side / 2 + ((photo % 3) - 1) * 2
  const cy = side / 2 + ((Math.floor(photo / 3) % 3) - 1) * 2
  const data = new Uint8Array(side * side * 4)
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const inside = (x - cx) ** 2 + (y - cy) ** 2 < (side / 3) ** 2
      for (let c = 0; c < 3; c++) data[(y * side + x) * 4 + c] = inside ? colour[c] : 128
      data[(y * side + x) * 4 + 3] = 255
    }
  return new Uint8Array(encodeJpeg({ width: side, height: side, data }, 95).data)
}

/**
 * An LFW-style tree, `<prefix><Person_N>/<Person_N>_000k.jpg`, with `photos[i]` photos of person i
 * (LFW's layout; `prefix` 'lfw/' gives its zip's).
 */
export function lfwStyleTree(photos: number[], prefix = ''): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {}
  photos.forEach((count, p) => {
    const name = `Person_${p}`
    for (let k = 0; k < count; k++)
      files[`${prefix}${name}/${name}_${String(k + 1).padStart(4, '0')}.jpg`] = personJpeg(p, k)
  })
  return files
}

/** {@link lfwStyleTree} as a zip. */
export function lfwStyleZip(photos: number[], prefix = 'lfw/'): Uint8Array {
  return zipSync(lfwStyleTree(photos, prefix))
}
