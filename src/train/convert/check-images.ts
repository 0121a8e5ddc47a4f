/**
 * Images for the conversion's parity check: real face photos (LFW's dev zip, read in place, or a
 * folder of JPEG/PNG), else colour images the project generates (three glyph drawings as the R,
 * G and B planes: distinct planes, so a channel-order slip cannot hide). Each model's input is
 * then made by core's preprocessing, so the check feeds what the Worker will feed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { unzipSync } from 'fflate'
import { decodeImage, preprocessImage } from '../../core'
import type { RawImage } from '../../core'
import { renderGlyph } from '../data/generated'
import { byName, isImageName, isJunkName } from '../data/file-names'
import type { FaceModelSpec } from './face-models'

/** Where the project keeps LFW's development photos (see ../shared/data/lfw/README.md). */
export const DEFAULT_LFW_ZIP = '../shared/data/lfw/lfw-dev.zip'

/** The images a check ran on, and a sentence saying which they were. */
export interface CheckImages {
  kind: 'lfw' | 'folder' | 'generated'
  /** e.g. "16 LFW photos from ../shared/data/lfw/lfw-dev.zip" */
  source: string
  names: string[]
  images: RawImage[]
}

/** `n` items spread evenly over a sorted list (every part of it represented, deterministic). */
export function spread<T>(items: T[], n: number): T[] {
  const count = Math.min(n, items.length)
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)])
}

/** `n` JPEG/PNG entries of a zip, spread over its sorted names; only those are decompressed. */
export function zipImages(
  zipPath: string,
  n: number,
  kind: 'lfw' | 'folder' = 'folder',
): CheckImages {
  const bytes = readFileSync(zipPath)
  const names: string[] = []
  // first pass reads the directory only (the filter refuses every entry)
  unzipSync(bytes, {
    filter: (f) => {
      if (isImageName(f.name) && !f.name.split('/').some(isJunkName)) names.push(f.name)
      return false
    },
  })
  const chosen = new Set(spread(names.sort(byName), n))
  const files = unzipSync(bytes, { filter: (f) => chosen.has(f.name) })
  const picked = [...chosen]
  const what = kind === 'lfw' ? 'LFW photos' : 'images'
  return {
    kind,
    source: `${picked.length} ${what} from ${zipPath} (evenly spread over its ${names.length})`,
    names: picked,
    images: picked.map((name) => decodeNamed(files[name], `${zipPath}:${name}`)),
  }
}

/** `n` JPEG/PNG files under `dir` (recursively), spread over their sorted paths. */
export function folderImages(dir: string, n: number): CheckImages {
  const root = resolve(dir)
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`not a folder: ${dir}`)
  const all: string[] = []
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      byName(a.name, b.name),
    )) {
      if (isJunkName(e.name)) continue
      if (e.isDirectory()) walk(join(d, e.name))
      else if (isImageName(e.name)) all.push(join(d, e.name))
    }
  }
  walk(root)
  if (all.length === 0) throw new Error(`no JPEG/PNG images under ${dir}`)
  const picked = spread(all, n)
  return {
    kind: 'folder',
    source: `${picked.length} images from ${dir} (evenly spread over its ${all.length})`,
    names: picked.map((p) => relative(root, p)),
    images: picked.map((p) => decodeNamed(readFileSync(p), p)),
  }
}

function decodeNamed(bytes: Uint8Array, path: string): RawImage {
  try {
    return decodeImage(bytes)
  } catch (e) {
    throw new Error(`cannot decode ${path}: ${(e as Error).message}`, { cause: e })
  }
}

/** `n` generated colour images, `side` px square (glyph drawings as the three planes). */
export function generatedImages(n: number, side = 128): CheckImages {
  const opts = {
    alphabets: 4,
    charactersPerAlphabet: 12,
    drawingsPerCharacter: 4,
    canvas: side,
    seed: 7,
  }
  const images = Array.from({ length: n }, (_, i): RawImage => {
    const planes = [0, 1, 2].map((p) => renderGlyph(opts, i % 4, (3 * i + p * 5) % 12, p).data)
    const data = new Uint8Array(side * side * 3)
    for (let k = 0; k < side * side; k++) for (let c = 0; c < 3; c++) data[3 * k + c] = planes[c][k]
    return { width: side, height: side, channels: 3, data }
  })
  return {
    kind: 'generated',
    source: `${n} generated colour images (three glyph drawings as R, G, B; no faces)`,
    names: images.map((_, i) => `generated-${i}`),
    images,
  }
}

/**
 * The check's images: `check` (a folder, or a .zip of images) when given, else LFW's dev zip when
 * it exists, else generated ones.
 */
export function loadCheckImages(check: string | undefined, n: number): CheckImages {
  if (check)
    return check.toLowerCase().endsWith('.zip') ? zipImages(check, n) : folderImages(check, n)
  if (existsSync(DEFAULT_LFW_ZIP)) return zipImages(DEFAULT_LFW_ZIP, n, 'lfw')
  return generatedImages(n)
}

/** The centred square whose side is `fraction` of the shorter side. */
export function centreCrop(img: RawImage, fraction: number): RawImage {
  if (fraction >= 1) return img
  const side = Math.max(1, Math.round(Math.min(img.width, img.height) * fraction))
  const x0 = Math.floor((img.width - side) / 2)
  const y0 = Math.floor((img.height - side) / 2)
  const c = img.channels
  const data = new Uint8Array(side * side * c)
  for (let y = 0; y < side; y++)
    data.set(
      img.data.subarray(((y0 + y) * img.width + x0) * c, ((y0 + y) * img.width + x0 + side) * c),
      y * side * c,
    )
  return { width: side, height: side, channels: c, data }
}

/** The model's NCHW inputs for `images` (crop, then core's preprocessing), concatenated. */
export function modelInputs(images: RawImage[], spec: FaceModelSpec): Float32Array {
  const { height, width, channels } = spec.input
  const px = channels * height * width
  const out = new Float32Array(images.length * px)
  const pre = {
    input: { name: 'input', height, width, channels, layout: 'NCHW' as const },
    preprocess: spec.preprocess,
  }
  images.forEach((img, i) => out.set(preprocessImage(centreCrop(img, spec.checkCrop), pre), i * px))
  return out
}
