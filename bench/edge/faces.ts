// The face pipeline's CPU cost per photo, in-process in Node with the Worker's runtime and code
// (not a test): `npx tsx bench/edge/faces.ts [--photos 20] [--runs 3]` (`npm run bench -- faces`).
// Phases, each timed per photo: decode (decodeFacePhoto under the edge's image limits, as the
// Worker's face routes: reduced-scale JPEG decode to a side >= 1000 px), detect (BlazeFace input +
// onnxruntime-web 1.30 wasm, one thread, as in the Worker + decoding), align (similarity + warp to
// 224x224), embed (faceres, one face). Two sizes: LFW's 250x250 JPEGs from ../shared/data/lfw
// (research data, read at run time, never committed), and 12 Mpx phone-size JPEGs (4000x3000,
// 4:2:0, restart markers, q90, 3-5 MB) built at run time from the same photos: each LFW photo
// upscaled 8x (a 2000 px square, bilinear) into the middle of bench/edge/decode.ts's synthetic
// photo-like background, with sensor-like noise, encoded by the same test encoder.
// p50: the median per phase of each run, then the median of runs; p99: over every photo x run.
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-web/wasm'
import {
  alignedInput,
  decodeFacePhoto,
  detectFaces,
  faceSpec,
  largestFace,
  validateManifest,
  warpAffine,
  type RawImage,
} from '../../src/core'
import { IMAGE_LIMITS } from '../../src/edge/limits'
import { defaultLfwDir, readLfwPairs, readLfwPhotos } from '../../src/train/data/lfw'
import { encodeTestJpeg, seededRandom, syntheticPhoto } from '../../test/core/jpeg-test-encoder'
import { median, quantile } from './client'

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const PHOTOS = flag('photos', 20)
const RUNS = flag('runs', 3)
const lfw = defaultLfwDir()
if (!lfw) {
  console.error('bench faces: needs LFW at ../shared/data/lfw')
  process.exit(2)
}
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')
const loadStart = load()
const manifest = validateManifest(
  JSON.parse(readFileSync('models/face-faceres-blazeface-v1.json', 'utf8')),
)
const spec = faceSpec(manifest)
ort.env.wasm.numThreads = 1
ort.env.logLevel = 'error'
const options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' } as const
const detector = await ort.InferenceSession.create(
  readFileSync(join('models', (manifest.detector as unknown as { file: string }).file)),
  options,
)
const embedder = await ort.InferenceSession.create(
  readFileSync(join('models', manifest.file)),
  options,
)

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
  const rgb = warpAffine(
    face,
    { xx: k, xy: 0, x0: 0, yx: 0, yy: k, y0: 0 },
    side,
    side,
    {
      scale: 1,
      mean: 0,
    },
    { layout: 'NHWC' },
  )
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

const names = [...new Set(readLfwPairs(lfw, 'dev-test').flatMap((p) => [p.a, p.b]))].slice(
  0,
  PHOTOS,
)
const lfwPhotos = [...readLfwPhotos(lfw, names).values()]
console.log(`building ${PHOTOS} 12 Mpx JPEGs (about 10 s each)...`)
const background = syntheticPhoto(4000, 3000, 7, 16)
const phonePhotos = lfwPhotos.map((bytes, i) =>
  encodeTestJpeg(phonePhoto(decodeFacePhoto(bytes).image, background, i + 1), {
    quality: 90,
    sampling: [2, 2],
    restartInterval: 250,
  }),
)
const MB = (n: number) => (n / 1e6).toFixed(2)
const sizes = phonePhotos.map((b) => b.length)
console.log(`12 Mpx JPEGs: ${MB(Math.min(...sizes))}-${MB(Math.max(...sizes))} MB`)

const PHASES = ['decode', 'detect', 'align', 'embed', 'total'] as const
type Phase = (typeof PHASES)[number]
const now = () => performance.now()

/** Times every photo RUNS times (after one warm-up pass); per phase: p50 and p99 in ms. */
async function timePhotos(label: string, photos: Uint8Array[]) {
  const perRun: Record<Phase, number>[] = []
  const all: Record<Phase, number[]> = { decode: [], detect: [], align: [], embed: [], total: [] }
  let decoded = ''
  let noFace = 0
  for (let run = 0; run < RUNS + 1; run++) {
    const t: Record<Phase, number[]> = { decode: [], detect: [], align: [], embed: [], total: [] }
    for (const bytes of photos) {
      const t0 = now()
      const { image } = decodeFacePhoto(bytes, IMAGE_LIMITS)
      const t1 = now()
      const faces = await detectFaces(image, spec, async (data, dims) => {
        const out = await detector.run({ input: new ort.Tensor('float32', data, dims) })
        return detector.outputNames.map((n) => ({
          data: out[n]!.data as Float32Array,
          dims: out[n]!.dims,
        }))
      })
      const t2 = now()
      const face = largestFace(faces)
      if (!face) noFace++
      const input = face ? alignedInput(image, face, spec) : new Float32Array(3 * 224 * 224)
      const t3 = now()
      await embedder.run({ input: new ort.Tensor('float32', input, [1, 3, 224, 224]) })
      const t4 = now()
      const times = [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0]
      PHASES.forEach((k, i) => t[k].push(times[i]!))
      decoded = `${image.width}x${image.height}`
    }
    if (run === 0) continue // warm-up: session initialisation and JIT
    perRun.push(Object.fromEntries(PHASES.map((k) => [k, median(t[k])])) as Record<Phase, number>)
    PHASES.forEach((k) => all[k].push(...t[k]))
    console.log(
      `${label}, run ${run}: ${PHASES.map((k) => `${k} ${perRun.at(-1)![k].toFixed(1)} ms`).join(', ')}`,
    )
  }
  const stats = Object.fromEntries(
    PHASES.map((k) => [k, { p50: median(perRun.map((r) => r[k])), p99: quantile(all[k], 0.99) }]),
  ) as Record<Phase, { p50: number; p99: number }>
  return { stats, decoded, noFace: noFace / (RUNS + 1), samples: all.total.length }
}

const small = await timePhotos('250x250', lfwPhotos)
const big = await timePhotos('12 Mpx', phonePhotos)
const mem = process.memoryUsage()
console.log(
  `\nFace pipeline per photo, ${PHOTOS} photos x ${RUNS} runs (${small.samples} samples per size, after a warm-up pass); ` +
    `ORT-web wasm, 1 thread, Node ${process.version}; load average (1/5/15 min) ${loadStart} at start, ${load()} at end`,
)
console.log(
  `250x250: LFW JPEGs, decoded ${small.decoded}; 12 Mpx: 4000x3000 4:2:0 q90 JPEGs of ` +
    `${MB(Math.min(...sizes))}-${MB(Math.max(...sizes))} MB, decoded at reduced scale to ${big.decoded}. ` +
    `Photos without a face (a blank crop embedded): ${small.noFace} / ${big.noFace}.\n`,
)
console.log('| phase | 250x250 p50 ms | 250x250 p99 ms | 12 Mpx p50 ms | 12 Mpx p99 ms |')
console.log('|---|---|---|---|---|')
for (const k of PHASES)
  console.log(
    `| ${k} | ${[small.stats[k].p50, small.stats[k].p99, big.stats[k].p50, big.stats[k].p99]
      .map((v) => v.toFixed(1))
      .join(' | ')} |`,
  )
console.log(
  `| process memory after: rss / wasm+buffers | ${(mem.rss / 2 ** 20).toFixed(0)} MiB / ${(mem.arrayBuffers / 2 ** 20).toFixed(0)} MiB | | | |`,
)
