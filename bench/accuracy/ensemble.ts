/**
 * Trial (eval only): do ensembles or test-time shifts help? Scores, on the SAME episodes of
 * images_evaluation (same seed, so differences are paired):
 *   - each model alone (as served);
 *   - the concatenation of all models' L2-normalised embeddings, normalised again (one ONNX graph
 *     could serve this);
 *   - the first model with its embedding averaged over the image and its four 1-pixel shifts.
 *
 *   npx tsx bench/accuracy/ensemble.ts --model a.onnx --model b.onnx [--episodes 300]
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import {
  embedDataset,
  fromEmbeddings,
  type EmbeddedDataset,
} from '../../src/train/eval/embedded.js'
import { loadDataset } from '../../src/train/data/load.js'
import { readManifest } from '../../src/train/export/manifest-writer.js'
import { normaliseRows, printVariantTable, shiftedDataset } from './variants.js'

const { values: f } = parseArgs({
  options: {
    model: { type: 'string', multiple: true },
    data: { type: 'string', default: '../shared/data/omniglot' },
    episodes: { type: 'string', default: '300' },
    shifts: { type: 'boolean', default: true },
  },
})

/** Row-wise concatenation of several embeddings of the same images. */
function concatRows(parts: EmbeddedDataset[]): { rows: Float32Array; dim: number } {
  const n = parts[0].labels.length
  const dim = parts.reduce((s, p) => s + p.dim, 0)
  const rows = new Float32Array(n * dim)
  for (let i = 0; i < n; i++) {
    let o = i * dim
    for (const p of parts) {
      rows.set(p.embeddings.subarray(i * p.dim, (i + 1) * p.dim), o)
      o += p.dim
    }
  }
  return { rows, dim }
}

async function main() {
  const models = f.model ?? []
  if (models.length === 0) throw new Error('--model <onnx> is required (repeat it for an ensemble)')
  const manifest = readManifest(models[0].replace(/\.onnx$/, '.json'))
  const test = await loadDataset({ data: f.data!, split: 'evaluation', spec: manifest })
  const single = await Promise.all(models.map((m) => embedDataset(readFileSync(m), test.dataset)))
  const variants: [string, EmbeddedDataset][] = single.map((e, i) => [models[i], e])
  if (models.length > 1) {
    const { rows, dim } = concatRows(single)
    variants.push([
      `concat of ${models.length}`,
      fromEmbeddings(normaliseRows(rows, dim), dim, test.dataset),
    ])
  }
  if (f.shifts) {
    const bytes = readFileSync(models[0])
    const d = single[0].dim
    const sum = Float32Array.from(single[0].embeddings)
    for (const [dx, dy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ]) {
      const e = await embedDataset(bytes, shiftedDataset(test.dataset, [dx, dy]))
      for (let k = 0; k < sum.length; k++) sum[k] += e.embeddings[k]
    }
    variants.push([
      `${models[0]} + 4 one-pixel shifts`,
      fromEmbeddings(normaliseRows(sum, d), d, test.dataset),
    ])
  }
  printVariantTable(variants, manifest, test.splitName, Number(f.episodes))
}

main().catch((e: Error) => {
  console.error(e.message)
  process.exit(1)
})
