// The face pipeline's CPU cost per photo, in-process in Node with the Worker's runtime and code
// (not a test): `npx tsx bench/edge/faces.ts [--photos 20] [--runs 3] [--model face-fast]` (`npm run bench -- faces`).
// Phases, each timed per photo: decode (decodeFacePhoto under the edge's image limits, as the
// Worker's face routes: reduced-scale JPEG decode to a side >= 1000 px), detect (BlazeFace input +
// onnxruntime-web 1.30 wasm, one thread, as in the Worker + decoding), align (similarity + warp to
// the embedder's input), embed (the served face model, `face` in models/catalogue.json: one face,
// and its mirror image when the manifest's alignment.mirror says so for the role timed: `--role
// query` (default: what classify, verify's b and /v1/embed pay) or `--role support` (an enrolled
// example, verify's a)). Two sizes: LFW's 250x250 JPEGs
// and 12 Mpx phone-size JPEGs built from them (bench/edge/face-photos.ts).
// p50: the median per phase of each run, then the median of runs; p99: over every photo x run.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-web/wasm'
import {
  alignedInput,
  decodeFacePhoto,
  detectFaces,
  faceInputs,
  faceSpec,
  faceViews,
  largestFace,
} from '../../src/core'
import { IMAGE_LIMITS } from '../../src/edge/limits'
import { lfwOrExit, lfwPhotos, loadAverage, phonePhotos, servedFaceManifest } from './face-photos'
import { median, quantile } from './client'

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const PHOTOS = flag('photos', 20)
const RUNS = flag('runs', 3)
const lfw = lfwOrExit('faces')
const load = loadAverage
const loadStart = load()
// `--model face-fast` (an alias or id of models/catalogue.json) times another face model
const modelAt = process.argv.indexOf('--model')
const manifest = servedFaceManifest(modelAt > 0 ? process.argv[modelAt + 1] : 'face')
const spec = faceSpec(manifest)
const roleAt = process.argv.indexOf('--role')
const role = roleAt > 0 && process.argv[roleAt + 1] === 'support' ? 'support' : 'query'
const { channels, height, width } = manifest.input
const px = channels * height * width
const dims = [1, channels, height, width]
ort.env.wasm.numThreads = 1
// ORT's wasm heap (a WebAssembly.Memory, which never shrinks), caught as ORT instantiates its
// module: with the JS heap, what a Worker isolate's 128 MB limit counts.
let ortHeap: WebAssembly.Memory | null = null
const instantiate = WebAssembly.instantiate
WebAssembly.instantiate = (async (source: BufferSource | WebAssembly.Module, imports?: object) => {
  const r = (await instantiate(source as BufferSource, imports as WebAssembly.Imports)) as
    | WebAssembly.WebAssemblyInstantiatedSource
    | WebAssembly.Instance
  const instance = 'instance' in r ? r.instance : r
  const given = Object.values(imports ?? {}).flatMap((m) => Object.values(m as object))
  for (const v of [...given, ...Object.values(instance.exports)])
    if (v instanceof WebAssembly.Memory) ortHeap = v
  return r
}) as typeof WebAssembly.instantiate
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
const inName = embedder.inputNames[0]!

const small = lfwPhotos(lfw, PHOTOS)
console.log(`building ${PHOTOS} 12 Mpx JPEGs (about 10 s each)...`)
const phone = phonePhotos(small)
const MB = (n: number) => (n / 1e6).toFixed(2)
const sizes = phone.map((b) => b.length)
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
      const aligned = face ? alignedInput(image, face, spec) : new Float32Array(px)
      const t3 = now()
      // the Worker's path: the face (and its mirror image if faceViews says so), then the mean
      const inputs = faceInputs([aligned], spec, role)
      for (const x of inputs) await embedder.run({ [inName]: new ort.Tensor('float32', x, dims) })
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

const smallStats = await timePhotos('250x250', small)
const big = await timePhotos('12 Mpx', phone)
// JS heap after a collection (run with NODE_OPTIONS=--expose-gc), so the bench's own garbage
// (the 12 Mpx photos it built) does not count
;(globalThis as { gc?: () => void }).gc?.()
const mem = process.memoryUsage()
const heap = (ortHeap as WebAssembly.Memory | null)?.buffer.byteLength ?? NaN
const MiB = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`
console.log(
  `\nFace pipeline per photo, ${manifest.id} as a ${role} (${faceViews(spec, role)} embedder view(s)), ${PHOTOS} photos x ${RUNS} runs (${smallStats.samples} samples per size, after a warm-up pass); ` +
    `ORT-web wasm, 1 thread, Node ${process.version}; load average (1/5/15 min) ${loadStart} at start, ${load()} at end`,
)
console.log(
  `250x250: LFW JPEGs, decoded ${smallStats.decoded}; 12 Mpx: 4000x3000 4:2:0 q90 JPEGs of ` +
    `${MB(Math.min(...sizes))}-${MB(Math.max(...sizes))} MB, decoded at reduced scale to ${big.decoded}. ` +
    `Photos without a face (a blank crop embedded): ${smallStats.noFace} / ${big.noFace}.\n`,
)
console.log('| phase | 250x250 p50 ms | 250x250 p99 ms | 12 Mpx p50 ms | 12 Mpx p99 ms |')
console.log('|---|---|---|---|---|')
for (const k of PHASES)
  console.log(
    `| ${k} | ${[
      smallStats.stats[k].p50,
      smallStats.stats[k].p99,
      big.stats[k].p50,
      big.stats[k].p99,
    ]
      .map((v) => v.toFixed(1))
      .join(' | ')} |`,
  )
console.log(
  `| memory after both sizes: ORT's wasm heap + JS heap used (what a Worker isolate's 128 MB counts) / process RSS | ${MiB(heap + mem.heapUsed)} (${MiB(heap)} + ${MiB(mem.heapUsed)}) / ${MiB(mem.rss)} | | | |`,
)
