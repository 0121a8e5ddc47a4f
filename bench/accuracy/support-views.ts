/**
 * Trial #16 (eval only): support-side shift averaging. Support examples are embedded once, when a
 * support set is stored, so they can afford several forward passes; queries are embedded on every
 * classify call and stay one view. This scores, on the SAME episodes: one view everywhere,
 * supports over moved views with one-view queries, and moved views on both sides (for reference).
 * `--split validation` uses the background classes a run with `--seed` held out.
 *
 *   npx tsx bench/accuracy/support-views.ts --model <onnx> [--split validation|evaluation] [--seed 7] [--episodes 1000]
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { embedDataset, embedSupportRows, fromEmbeddings } from '../../src/train/eval/embedded.js'
import { readManifest } from '../../src/train/export/manifest-writer.js'
import { VIEW_SETS } from '../../src/train/model/shift-views.js'
import { loadTrialSplit, printVariantTable } from './variants.js'

const { values: f } = parseArgs({
  options: {
    model: { type: 'string' },
    data: { type: 'string', default: '../shared/data/omniglot' },
    split: { type: 'string', default: 'validation' },
    seed: { type: 'string', default: '7' },
    'val-fraction': { type: 'string', default: '0.05' },
    episodes: { type: 'string', default: '1000' },
  },
})

async function main() {
  if (!f.model) throw new Error('--model <onnx> is required')
  const manifest = readManifest(f.model.replace(/\.onnx$/, '.json'))
  const bytes = readFileSync(f.model)
  const { dataset: ds, splitName } = await loadTrialSplit(f, manifest)
  // the product's own path (core's moves and mean, as the Worker and `npm run eval` use them)
  const one = (await embedDataset(bytes, ds)).embeddings
  const withViews = {
    ...manifest,
    output: {
      ...manifest.output,
      supportViews: VIEW_SETS.plus1.map(([x, y]): [number, number] => [x, y]),
    },
  }
  const plus1 = await embedSupportRows(bytes, ds, withViews)
  const dim = manifest.output.dim
  const variant = (name: string, queries: Float32Array, supports: Float32Array) =>
    [name, { ...fromEmbeddings(queries, dim, ds), supportEmbeddings: supports }] as const
  console.log(`model ${manifest.id}`)
  printVariantTable(
    [
      variant('one view on both sides', one, one),
      variant('supports plus1, queries one view', one, plus1),
      variant('plus1 on both sides (the -views5 export)', plus1, plus1),
    ],
    manifest,
    splitName,
    Number(f.episodes),
  )
}

main().catch((e: Error) => {
  console.error(e.message)
  process.exit(1)
})
