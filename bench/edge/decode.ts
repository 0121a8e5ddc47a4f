// Decoding 12 Mpx phone photos: jpeg-js at full size vs the DCT-domain reduced decode
// (src/core/image/decode-scaled.ts). `npx tsx bench/edge/decode.ts [--runs 5]`.
//
// Inputs, synthesised (photo-like: gradients, waves, noise, hard-edged shapes):
//   A 4000x3000 4:4:4 (jpeg-js's encoder, quality 90: it writes 4:4:4 only, no restarts/EXIF)
//   B 3000x4000 4:4:4 (same, portrait)
//   C 4000x3000 4:2:0 with restart markers every 250 MCUs and EXIF Orientation 6, as phones
//     write (test/core/jpeg-test-encoder.ts, quality 90)
//   D 4000x3000 progressive 4:2:0, only if sharp is installed (it comes with miniflare): jpeg-js
//     cannot encode progressive. It takes the fallback path (full decode + box downscale), which
//     the edge limits refuse at 12 Mpx; here it runs under 16 Mpx limits to show the cost.
// Time: median of N runs in this process (warm). Memory: each case once more in a fresh child
// process (--expose-gc): peak RSS growth (Linux VmHWM, reset just before the decode) over the RSS
// just before it, and arrayBuffers held right after it (the output, with jpeg-js's leftovers
// until collected).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { encode as encodeJpegJs } from 'jpeg-js'
import { decodeImage, decodeImageScaled, type RawImage } from '../../src/core'
import { encodeTestJpeg, syntheticPhoto } from '../../test/core/jpeg-test-encoder'

// Full decodes of 12 Mpx need more than the edge allows (4 Mpx); measured under these.
const BIG = { maxBytes: 64 * 1024 * 1024, maxSide: 16384, maxPixels: 16 * 1024 * 1024 }
const MB = 1024 * 1024

type Method = 'jpeg-js full' | 'scaled 1/2' | 'scaled 1/4' | 'scaled 1/8'
const METHODS: Record<Method, (bytes: Uint8Array) => RawImage> = {
  'jpeg-js full': (bytes) => decodeImage(bytes, BIG),
  'scaled 1/2': (bytes) => decodeImageScaled(bytes, BIG, { targetSide: 2000 }).image,
  'scaled 1/4': (bytes) => decodeImageScaled(bytes, BIG, { targetSide: 1000 }).image,
  'scaled 1/8': (bytes) => decodeImageScaled(bytes, BIG, { targetSide: 500 }).image,
}

if (process.argv[2] === '--child') {
  // One decode in a fresh process. Linux: writing 5 to clear_refs resets the peak RSS (VmHWM)
  // to the current RSS, so module loading's own peak does not hide the decode's.
  const bytes = new Uint8Array(readFileSync(process.argv[3]))
  const method = process.argv[4] as Method
  globalThis.gc?.()
  const rss0 = process.memoryUsage().rss
  writeFileSync('/proc/self/clear_refs', '5')
  const ab0 = process.memoryUsage().arrayBuffers
  const img = METHODS[method](bytes)
  const ab1 = process.memoryUsage().arrayBuffers
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
  const peak = Number(hwm![1]) * 1024 - rss0
  process.stdout.write(JSON.stringify({ peak, arrayBuffers: ab1 - ab0, out: img.data.length }))
  process.exit(0)
}

const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const RUNS = Number(flag('runs') ?? 5)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function transpose(img: RawImage): RawImage {
  const { width: w, height: h, data } = img
  const out = new Uint8Array(data.length)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++)
      out.set(data.subarray((y * w + x) * 3, (y * w + x) * 3 + 3), (x * h + y) * 3)
  }
  return { width: h, height: w, channels: 3, data: out }
}

function jpegJs(img: RawImage, quality: number): Uint8Array {
  const rgba = new Uint8Array(img.width * img.height * 4)
  for (let i = 0, j = 0; i < img.data.length; i += 3, j += 4) {
    rgba.set(img.data.subarray(i, i + 3), j)
    rgba[j + 3] = 255
  }
  return new Uint8Array(
    encodeJpegJs({ width: img.width, height: img.height, data: rgba }, quality).data,
  )
}

async function sharpProgressive(img: RawImage): Promise<Uint8Array | null> {
  try {
    const name = 'sharp' // not a dependency of ours: present only through miniflare
    const sharp = (await import(name)).default
    const raw = { raw: { width: img.width, height: img.height, channels: 3 } }
    const jpeg = { quality: 90, progressive: true, chromaSubsampling: '4:2:0' }
    return new Uint8Array(await sharp(Buffer.from(img.data), raw).jpeg(jpeg).toBuffer())
  } catch {
    return null
  }
}

console.log('synthesising 4000x3000 photo-like content and encoding (takes a minute)...')
const photo = syntheticPhoto(4000, 3000, 7, 16)
const inputs: { name: string; bytes: Uint8Array }[] = [
  { name: 'A 4000x3000 4:4:4 baseline (jpeg-js q90)', bytes: jpegJs(photo, 90) },
  { name: 'B 3000x4000 4:4:4 baseline (jpeg-js q90)', bytes: jpegJs(transpose(photo), 90) },
  {
    name: 'C 4000x3000 4:2:0 baseline, restarts, EXIF 6 (q90)',
    bytes: encodeTestJpeg(photo, {
      quality: 90,
      sampling: [2, 2],
      restartInterval: 250,
      orientation: 6,
    }),
  },
]
const progressive = await sharpProgressive(photo)
if (progressive) {
  inputs.push({ name: 'D 4000x3000 4:2:0 progressive (sharp/libjpeg q90)', bytes: progressive })
} else {
  console.log('sharp not installed: no progressive input (jpeg-js cannot encode progressive)')
}

const dir = mkdtempSync(join(tmpdir(), 'bench-decode-'))
const self = fileURLToPath(import.meta.url)
for (const [i, input] of inputs.entries()) {
  const file = join(dir, `${i}.jpg`)
  writeFileSync(file, input.bytes)
  console.log(`\n${input.name}: ${(input.bytes.length / MB).toFixed(2)} MiB`)
  for (const method of Object.keys(METHODS) as Method[]) {
    let img: RawImage | undefined
    const times: number[] = []
    for (let r = 0; r < RUNS + 1; r++) {
      const t0 = performance.now()
      img = METHODS[method](input.bytes)
      if (r > 0) times.push(performance.now() - t0) // first run warms the JIT
    }
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', self, '--child', file, method],
      {
        encoding: 'utf8',
      },
    )
    const mem = child.status === 0 ? JSON.parse(child.stdout) : null
    const line =
      `${method.padEnd(13)} ${String(img!.width).padStart(4)}x${String(img!.height).padEnd(4)}  ` +
      `median ${median(times).toFixed(0).padStart(5)} ms (min ${Math.min(...times).toFixed(0)})  ` +
      (mem
        ? `peak RSS +${(mem.peak / MB).toFixed(1)} MiB, arrayBuffers +${(mem.arrayBuffers / MB).toFixed(1)} MiB`
        : `memory: child failed: ${child.stderr.slice(0, 200)}`)
    console.log(line)
  }
}
console.log(
  `\nNode ${process.version}, ${RUNS} runs after one warm-up; peak RSS in a fresh process.`,
)
