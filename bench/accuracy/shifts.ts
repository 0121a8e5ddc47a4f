/**
 * Trial (eval only): test-time shift averaging. The embedding of an image is replaced by the
 * normalised mean of the embeddings of the image moved by a few pixels (uncovered pixels are
 * background, 0 after the ink preprocessing). Every variant is scored on the SAME episodes.
 * `--split validation` uses the background classes a training run with `--seed` held out (never
 * trained on by runs with that seed): the split for choosing a variant before reading test figures.
 *
 *   npx tsx bench/accuracy/shifts.ts --model <onnx> [--split validation|evaluation] [--seed 1] [--episodes 1000]
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { embedDataset, fromEmbeddings } from '../../src/train/eval/embedded.js'
import { readManifest } from '../../src/train/export/manifest-writer.js'
import { VIEW_SETS, type Shift } from '../../src/train/model/shift-views.js'
import { loadTrialSplit, normaliseRows, printVariantTable, shiftedDataset } from './variants.js'

const { values: f } = parseArgs({
  options: {
    model: { type: 'string' },
    data: { type: 'string', default: '../shared/data/omniglot' },
    split: { type: 'string', default: 'validation' },
    seed: { type: 'string', default: '1' },
    'val-fraction': { type: 'string', default: '0.05' },
    episodes: { type: 'string', default: '1000' },
  },
})

const VARIANTS: [string, readonly Shift[]][] = [
  ['no shift (as served before)', VIEW_SETS.none],
  ['plus1: plus, 1 px (5 views)', VIEW_SETS.plus1],
  ['box1: 3x3 box, 1 px (9 views)', VIEW_SETS.box1],
  ['plus2: plus, 1 and 2 px (9 views)', VIEW_SETS.plus2],
]

/** Normalised mean of several embeddings of the same images. */
function meanNormalised(parts: Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(parts[0].length)
  for (const p of parts) for (let k = 0; k < out.length; k++) out[k] += p[k]
  return normaliseRows(out, dim)
}

async function main() {
  if (!f.model) throw new Error('--model <onnx> is required')
  const manifest = readManifest(f.model.replace(/\.onnx$/, '.json'))
  const bytes = readFileSync(f.model)
  const { dataset: ds, splitName } = await loadTrialSplit(f, manifest)
  const cache = new Map<string, Float32Array>()
  let dim = 0
  for (const s of VARIANTS.flatMap(([, v]) => v)) {
    if (cache.has(String(s))) continue
    const e = await embedDataset(bytes, shiftedDataset(ds, s))
    cache.set(String(s), e.embeddings)
    dim = e.dim
  }
  const variants = VARIANTS.map(([name, shifts]) => {
    const rows = meanNormalised(
      shifts.map((s) => cache.get(String(s))!),
      dim,
    )
    return [name, fromEmbeddings(rows, dim, ds)] as const
  })
  console.log(`model ${manifest.id}`)
  printVariantTable(variants, manifest, splitName, Number(f.episodes))
}

main().catch((e: Error) => {
  console.error(e.message)
  process.exit(1)
})
