// How fast decodeImage rejects each entry of the malformed-image corpus (test/core/malformed-
// corpus.ts: truncated, lying and hostile PNG/JPEG headers, decompression bombs) in Node:
// `npm run bench -- malformed [--runs 7]`. Per case, the median of --runs rejections after one
// warm-up; prints the slowest cases, the total, and the load average. The tests check only that
// each case throws its ImageDecodeError code (a hang is caught by the test timeout); the time it
// takes is measured here. workerd runs the same code (src/core) and is not timed here.
import { loadAverage, median } from './client'
import { decodeImage, ImageDecodeError } from '../../src/core'
import { malformedImages } from '../../test/core/malformed-corpus'

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const RUNS = flag('runs', 7)

/** One rejection's time in ms; throws when the case is not rejected with an ImageDecodeError. */
function reject(name: string, bytes: Uint8Array): number {
  const t = performance.now()
  try {
    decodeImage(bytes)
  } catch (err) {
    const ms = performance.now() - t
    if (err instanceof ImageDecodeError) return ms
    throw err
  }
  throw new Error(`${name}: decoded, expected an ImageDecodeError`)
}

const loadBefore = loadAverage()
const corpus = malformedImages()
const rows = corpus.map(({ name, bytes }) => {
  reject(name, bytes) // warm-up
  const times = Array.from({ length: RUNS }, () => reject(name, bytes))
  return { name, bytes: bytes.length, median: median(times), max: Math.max(...times) }
})
rows.sort((a, b) => b.median - a.median)
console.log(`| case (slowest 8 of ${rows.length}) | bytes | median ms | max ms |`)
console.log('|---|---:|---:|---:|')
for (const r of rows.slice(0, 8))
  console.log(`| ${r.name} | ${r.bytes} | ${r.median.toFixed(2)} | ${r.max.toFixed(2)} |`)
const total = rows.reduce((s, r) => s + r.median, 0)
console.log(
  `all ${rows.length} cases: sum of medians ${total.toFixed(1)} ms, slowest median ` +
    `${rows[0]!.median.toFixed(2)} ms (${RUNS} runs each)`,
)
console.log(`load average (1 / 5 / 15 min): before ${loadBefore}, after ${loadAverage()}`)
