// The most expensive requests the image budget accepts, and the issue-19 request it now refuses,
// through the Worker's own image path in Node: base64 -> LIMITS check (checkPixelBudget) ->
// decode + preprocess (src/edge/images, i.e. src/core). Not a test:
// `tsx bench/edge/worst-request.ts [--runs 5]`.
// Each run is a fresh Node process (`--expose-gc`, Linux): after a GC its peak RSS is reset
// (/proc/self/clear_refs), so VmHWM minus the RSS before the request is that request's peak
// memory (garbage not yet collected included: an upper bound); CPU is process.cpuUsage() across it.
// The images are PNGs of transparent pixels (tiny files declaring many pixels, as in the issue),
// written to a temporary folder first so the measured process holds only their bytes.
// Embedding is not included (bench/edge/pipeline.ts: about 1 ms per 28x28 pass).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir, loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { encode } from 'fast-png'
import { checkPixelBudget, toInputs, type NamedImage } from '../../src/edge/images'
import { base64Image } from '../../src/edge/images/body'
import { LIMITS } from '../../src/edge/limits'
import { modelA } from '../../test/edge/fixtures/models'
import { validateManifest } from '../../src/core'
import { median } from './client'

interface Scenario {
  name: string
  /** [width, height, bit depth] of each image. */
  images: [number, number, 8 | 16][]
}

const fill = (n: number, img: [number, number, 8 | 16]) => Array.from({ length: n }, () => img)
const perRequest = (cost: number) => Math.floor(LIMITS.requestPixels / cost)
const SCENARIOS: Scenario[] = [
  // One image as large as one may be: 4 Mpx at 8 bits, or 2 Mpx at 16 bits.
  { name: '1 x 2048x2048 8-bit RGBA PNG', images: [[2048, 2048, 8]] },
  // The budget in 16-bit PNGs at the largest size one may have (2048x1024, counted 4 Mpx).
  {
    name: `${perRequest(4 << 20)} x 2048x1024 16-bit RGBA PNG (the budget)`,
    images: fill(perRequest(4 << 20), [2048, 1024, 16]),
  },
  // The budget in 8-bit PNGs at the per-image maximum (4 Mpx).
  {
    name: `${perRequest(4 << 20)} x 2048x2048 8-bit RGBA PNG (the budget)`,
    images: fill(perRequest(4 << 20), [2048, 2048, 8]),
  },
  // The most images a request takes (32 queries), each as big as the budget then allows.
  { name: '32 x 512x512 8-bit RGBA PNG (the budget)', images: fill(32, [512, 512, 8]) },
  // Issue 19: 32 PNGs declaring 2048x2048 16-bit: now refused from the headers.
  { name: 'issue 19: 32 x 2048x2048 16-bit RGBA PNG', images: fill(32, [2048, 2048, 16]) },
]

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}

/** A `/proc/self/status` field in KiB (VmRSS: resident now; VmHWM: peak since the reset). */
function statusKiB(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
    readFileSync('/proc/self/status', 'utf8'),
  )
  if (!m) throw new Error(`no ${field} in /proc/self/status (Linux only)`)
  return Number(m[1])
}

/** In the child: one request's image path over the files, printing {cpuMs, peakMiB, status}. */
function child(files: string[]): void {
  const manifest = validateManifest(modelA.manifest)
  const bodies = files.map((f) => readFileSync(f).toString('base64')) // as the JSON carries them
  ;(globalThis as { gc?: () => void }).gc?.()
  // Linux: writing 5 to clear_refs resets the peak RSS (VmHWM) to the current RSS, so the peak
  // read after the request is this request's, not start-up's.
  writeFileSync('/proc/self/clear_refs', '5')
  const rssBefore = statusKiB('VmRSS')
  const cpu0 = process.cpuUsage()
  let status = 'accepted'
  try {
    const images: NamedImage[] = bodies.map((b, i) => ({
      field: `images.${i}`,
      bytes: base64Image(b, `images.${i}`),
    }))
    checkPixelBudget(images, false)
    toInputs(images, manifest)
  } catch (err) {
    status = `refused: ${(err as { status?: number; code?: string }).status} ${(err as { code?: string }).code}`
  }
  const cpu = process.cpuUsage(cpu0)
  const peak = statusKiB('VmHWM')
  const out = {
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakMiB: (peak - rssBefore) / 1024,
    status,
  }
  console.log(JSON.stringify(out))
}

function main(): void {
  const runs = Number(arg('runs') ?? 5)
  const dir = mkdtempSync(join(tmpdir(), 'worst-request-'))
  const self = fileURLToPath(import.meta.url)
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  console.log(
    `| request | status | CPU ms (median of ${runs}) | peak memory MiB (median) | runs (ms) |`,
  )
  console.log('|---|---|---|---|---|')
  try {
    for (const [s, sc] of SCENARIOS.entries()) {
      const files = sc.images.map(([w, h, depth], i) => {
        const data = depth === 8 ? new Uint8Array(w * h * 4) : new Uint16Array(w * h * 4)
        const file = join(dir, `${s}-${i}.png`)
        writeFileSync(file, encode({ width: w, height: h, depth, channels: 4, data }))
        return file
      })
      const results = Array.from({ length: runs }, () => {
        const r = spawnSync(
          process.execPath,
          ['--expose-gc', '--import', 'tsx', self, '--child', files.join(',')],
          { encoding: 'utf8' },
        )
        if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`)
        return JSON.parse(r.stdout.trim().split('\n').pop()!) as {
          cpuMs: number
          peakMiB: number
          status: string
        }
      })
      const cpu = median(results.map((r) => r.cpuMs))
      const mem = median(results.map((r) => r.peakMiB))
      const each = results.map((r) => r.cpuMs.toFixed(0)).join(' ')
      console.log(
        `| ${sc.name} | ${results[0]!.status} | ${cpu.toFixed(0)} | ${mem.toFixed(1)} | ${each} |`,
      )
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
}

const files = arg('child')
if (files) child(files.split(','))
else main()
