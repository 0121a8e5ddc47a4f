// The glyph generator's speed (src/train/data/generated.ts), the `generated` data source that
// the quick preset, the tests and the README's first training run draw from:
// `npm run bench -- glyphs [--runs 7]`. Times generateGlyphDataset for 1,000 drawings (5 alphabets
// x 10 characters x 20 drawings, 28x28), median of --runs runs in this process after one warm-up,
// and prints the load average beside it. (Moved here from test/train/data/generated.test.ts,
// which no longer times anything.)
import { loadAverage, median } from '../edge/client'
import { generateGlyphDataset } from '../../src/train/data/generated'

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const RUNS = flag('runs', 7)
const OPTS = { alphabets: 5, charactersPerAlphabet: 10, drawingsPerCharacter: 20, seed: 1 }
const images = OPTS.alphabets * OPTS.charactersPerAlphabet * OPTS.drawingsPerCharacter

const loadBefore = loadAverage()
generateGlyphDataset(OPTS) // warm-up: JIT and module state
const times: number[] = []
for (let r = 0; r < RUNS; r++) {
  const t = performance.now()
  generateGlyphDataset(OPTS)
  times.push(performance.now() - t)
}
const mid = median(times)
console.log(
  `generateGlyphDataset, ${images} drawings 28x28: median ${mid.toFixed(0)} ms ` +
    `(${((images / mid) * 1000).toFixed(0)} drawings/s) over ${RUNS} runs; ` +
    `min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)} ms`,
)
console.log(`load average (1 / 5 / 15 min): before ${loadBefore}, after ${loadAverage()}`)
