// The face pipeline's CPU cost per photo, in-process in Node with the Worker's runtime and code
// (not a test): `npx tsx bench/edge/faces.ts [--photos 20] [--runs 3]` (`npm run bench -- faces`).
// Phases, each timed per photo: decode (core's decoder), detect (BlazeFace input + onnxruntime-web
// 1.30 wasm, one thread, as in the Worker + decoding), align (similarity + warp to 224x224), embed
// (faceres, one face). Photos: LFW 250x250 JPEGs from ../shared/data/lfw (research data, read at
// run time, never committed). Reports the median per phase of each run, then the median of runs.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-web/wasm'
import {
  alignedInput,
  decodeImage,
  detectFaces,
  faceSpec,
  largestFace,
  validateManifest,
} from '../../src/core'
import { IMAGE_LIMITS } from '../../src/edge/limits'
import { defaultLfwDir, readLfwPairs, readLfwPhotos } from '../../src/train/data/lfw'
import { median } from './client'

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

const names = [...new Set(readLfwPairs(lfw, 'dev-test').flatMap((p) => [p.a, p.b]))].slice(
  0,
  PHOTOS,
)
const photos = readLfwPhotos(lfw, names)
const now = () => performance.now()
const rows: Record<string, number>[] = []
for (let run = 0; run < RUNS + 1; run++) {
  const t: Record<string, number[]> = { decode: [], detect: [], align: [], embed: [], total: [] }
  for (const name of names) {
    const t0 = now()
    const image = decodeImage(photos.get(name)!, IMAGE_LIMITS)
    const t1 = now()
    const faces = await detectFaces(image, spec, async (data, dims) => {
      const out = await detector.run({ input: new ort.Tensor('float32', data, dims) })
      return detector.outputNames.map((n) => ({
        data: out[n]!.data as Float32Array,
        dims: out[n]!.dims,
      }))
    })
    const t2 = now()
    const face = largestFace(faces)!
    const input = alignedInput(image, face, spec)
    const t3 = now()
    await embedder.run({ input: new ort.Tensor('float32', input, [1, 3, 224, 224]) })
    const t4 = now()
    for (const [k, v] of [
      ['decode', t1 - t0],
      ['detect', t2 - t1],
      ['align', t3 - t2],
      ['embed', t4 - t3],
      ['total', t4 - t0],
    ] as const)
      t[k]!.push(v)
  }
  if (run === 0) continue // warm-up: session initialisation and JIT
  rows.push(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)])))
  console.log(
    `run ${run}: ${Object.entries(rows.at(-1)!)
      .map(([k, v]) => `${k} ${v.toFixed(1)} ms`)
      .join(', ')}`,
  )
}
const mem = process.memoryUsage()
console.log(
  `\nFace pipeline per 250x250 LFW photo, ${PHOTOS} photos x ${RUNS} runs (median per run, then of runs); ORT-web wasm, 1 thread, Node ${process.version}`,
)
console.log('| phase | ms per photo |\n|---|---|')
for (const k of ['decode', 'detect', 'align', 'embed', 'total'])
  console.log(`| ${k} | ${median(rows.map((r) => r[k]!)).toFixed(1)} |`)
console.log(
  `| process memory after: rss / wasm+buffers | ${(mem.rss / 2 ** 20).toFixed(0)} MiB / ${(mem.arrayBuffers / 2 ** 20).toFixed(0)} MiB |`,
)
