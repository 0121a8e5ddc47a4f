// Photos for the face benchmarks, read or built at run time (never committed): LFW's 250x250
// JPEGs from ../shared/data/lfw (research data), and 12 Mpx phone-size JPEGs (4000x3000, 4:2:0,
// restart markers, q90, 3-5 MB) made from them: each LFW photo upscaled 8x (a 2000 px square,
// bilinear) into the middle of bench/edge/decode.ts's synthetic photo-like background, with
// sensor-like noise, encoded by the project's test encoder. Also names the served face model.
import { readFileSync } from 'node:fs'
import { decodeFacePhoto, warpAffine, type RawImage } from '../../src/core'
import { defaultLfwDir, readLfwPairs, readLfwPhotos } from '../../src/train/data/lfw'
import { readManifest } from '../../src/train/export/manifest-writer'
import { encodeTestJpeg, seededRandom, syntheticPhoto } from '../../test/core/jpeg-test-encoder'

/** LFW's folder, or exit 2 saying that the benchmark `name` needs it. */
export function lfwOrExit(name: string): string {
  const lfw = defaultLfwDir()
  if (lfw) return lfw
  console.error(`bench ${name}: needs LFW at ../shared/data/lfw`)
  process.exit(2)
}

export { loadAverage } from './client'

/** A served face model's manifest: what `alias` (default `face`) names in models/catalogue.json. */
export function servedFaceManifest(alias = 'face') {
  const aliases = JSON.parse(readFileSync('models/catalogue.json', 'utf8')).aliases
  return readManifest(`models/${aliases[alias] ?? alias}.json`)
}

/** The first `n` distinct photos of LFW's dev-test pairs, as JPEG bytes. */
export function lfwPhotos(lfw: string, n: number): Uint8Array[] {
  const names = [...new Set(readLfwPairs(lfw, 'dev-test').flatMap((p) => [p.a, p.b]))]
  return [...readLfwPhotos(lfw, names.slice(0, n)).values()]
}

/**
 * A 4000x3000 phone-size photo: `face` upscaled 8x (bilinear) into the middle of `background`,
 * with noise of about +-`noise` (so the JPEG is photo-sized, not a smooth upscale's 1 MB).
 */
function phonePhoto(face: RawImage, background: RawImage, seed: number, noise = 16): RawImage {
  const { width: W, height: H } = background
  const data = Uint8Array.from(background.data)
  const side = 8 * face.width
  const [ox, oy] = [(W - side) / 2, (H - side) / 2]
  const k = face.width / side
  const identity = { xx: k, xy: 0, x0: 0, yx: 0, yy: k, y0: 0 }
  const rgb = warpAffine(face, identity, side, side, { scale: 1, mean: 0 }, { layout: 'NHWC' })
  const random = seededRandom(seed)
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const n = noise * (random() + random() - 1)
      for (let c = 0; c < 3; c++) {
        const v = Math.round(rgb[(y * side + x) * 3 + c]! + n)
        data[((oy + y) * W + ox + x) * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : v
      }
    }
  return { width: W, height: H, channels: 3, data }
}

/** 12 Mpx phone-size JPEGs, one per LFW photo (about 10 s each to build on a busy machine). */
export function phonePhotos(photos: Uint8Array[]): Uint8Array[] {
  const background = syntheticPhoto(4000, 3000, 7, 16)
  return photos.map((bytes, i) =>
    encodeTestJpeg(phonePhoto(decodeFacePhoto(bytes).image, background, i + 1), {
      quality: 90,
      sampling: [2, 2],
      restartInterval: 250,
    }),
  )
}
