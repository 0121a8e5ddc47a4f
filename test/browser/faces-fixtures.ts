// Fixtures for the Faces tab's browser test: LFW photos as files for the page's file inputs, and
// a Y4M video of a photo for Chromium's fake camera. LFW is research data: read at test time from
// ../shared/data/lfw, written only to a temporary folder, never committed.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeImage, type RawImage } from '../../src/core'

/** `Person/Person_NNNN.jpg`, as LFW names its photos. */
export const lfwPhoto = (person: string, n: number): string =>
  `${person}/${person}_${String(n).padStart(4, '0')}.jpg`

/** Writes each photo to `dir` under its base name; returns name -> file path. */
export function writePhotos(dir: string, photos: Map<string, Uint8Array>): Map<string, string> {
  const paths = new Map<string, string>()
  for (const [name, bytes] of photos) {
    const file = join(dir, name.split('/').pop()!)
    writeFileSync(file, bytes)
    paths.set(name, file)
  }
  return paths
}

/** Pixel (x, y) as RGB, whatever the image's channels (gray, gray+alpha, RGB, RGBA). */
function rgbAt(img: RawImage, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * img.channels
  const d = img.data
  if (img.channels <= 2) return [d[i]!, d[i]!, d[i]!]
  return [d[i]!, d[i + 1]!, d[i + 2]!]
}

/**
 * Raw frames in YUV4MPEG2 (4:2:0, JPEG's full-range BT.601 matrix, `C420jpeg`): a text header,
 * then per frame `FRAME\n`, the Y plane, then U and V at half resolution (each the mean of a 2x2
 * block). An odd last row or column is dropped (4:2:0 needs even sides).
 */
export function toY4m(img: RawImage, frames = 1, fps = 30): Uint8Array {
  const w = img.width & ~1
  const h = img.height & ~1
  if (w < 2 || h < 2) throw new Error(`image too small for 4:2:0: ${img.width}x${img.height}`)
  const y = new Uint8Array(w * h)
  const u = new Uint8Array((w / 2) * (h / 2))
  const v = new Uint8Array((w / 2) * (h / 2))
  const clamp = (n: number) => Math.max(0, Math.min(255, Math.round(n)))
  for (let r = 0; r < h; r += 2) {
    for (let c = 0; c < w; c += 2) {
      let cb = 0
      let cr = 0
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const [R, G, B] = rgbAt(img, c + dx, r + dy)
        y[(r + dy) * w + c + dx] = clamp(0.299 * R + 0.587 * G + 0.114 * B)
        cb += 128 - 0.168736 * R - 0.331264 * G + 0.5 * B
        cr += 128 + 0.5 * R - 0.418688 * G - 0.081312 * B
      }
      u[(r / 2) * (w / 2) + c / 2] = clamp(cb / 4)
      v[(r / 2) * (w / 2) + c / 2] = clamp(cr / 4)
    }
  }
  const enc = new TextEncoder()
  const header = enc.encode(`YUV4MPEG2 W${w} H${h} F${fps}:1 Ip A1:1 C420jpeg\n`)
  const frame = enc.encode('FRAME\n')
  const frameBytes = frame.length + y.length + u.length + v.length
  const out = new Uint8Array(header.length + frames * frameBytes)
  out.set(header, 0)
  for (let f = 0, at = header.length; f < frames; f++, at += frameBytes) {
    out.set(frame, at)
    out.set(y, at + frame.length)
    out.set(u, at + frame.length + y.length)
    out.set(v, at + frame.length + y.length + u.length)
  }
  return out
}

/** Decodes a JPEG or PNG (src/core's decoder) and writes it as a still Y4M video to `file`. */
export function writeY4m(file: string, photo: Uint8Array, frames = 2): string {
  writeFileSync(file, toY4m(decodeImage(photo), frames))
  return file
}
