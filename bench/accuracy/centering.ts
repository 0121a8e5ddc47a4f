/**
 * Trial (eval only): does centering help? SimpleShot-style "CL2N": subtract the mean embedding of
 * the training split (images_background), then L2-normalise again. Both variants are scored on
 * the SAME episodes of images_evaluation (same seed), so the difference is paired.
 *
 *   npx tsx bench/accuracy/centering.ts --model models/<id>.onnx [--data ../shared/data/omniglot] [--episodes 300]
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
import { printVariantTable } from './variants.js'

const { values: f } = parseArgs({
  options: {
    model: { type: 'string' },
    data: { type: 'string', default: '../shared/data/omniglot' },
    episodes: { type: 'string', default: '300' },
  },
})

/** Mean row of `e`, in float64. */
function meanRow(e: EmbeddedDataset): Float64Array {
  const mu = new Float64Array(e.dim)
  const n = e.labels.length
  for (let i = 0; i < n; i++) for (let j = 0; j < e.dim; j++) mu[j] += e.embeddings[i * e.dim + j]
  return mu.map((v) => v / n)
}

/** Rows of `e` minus `mu`, each scaled back to unit length. */
function centered(e: EmbeddedDataset, mu: Float64Array): Float32Array {
  const d = e.dim
  const out = new Float32Array(e.embeddings.length)
  for (let i = 0; i < e.labels.length; i++) {
    let norm = 0
    for (let j = 0; j < d; j++) {
      const v = e.embeddings[i * d + j] - mu[j]
      out[i * d + j] = v
      norm += v * v
    }
    const s = 1 / Math.sqrt(norm || 1)
    for (let j = 0; j < d; j++) out[i * d + j] *= s
  }
  return out
}

async function main() {
  if (!f.model) throw new Error('--model models/<id>.onnx is required')
  const manifest = readManifest(f.model.replace(/\.onnx$/, '.json'))
  const bytes = readFileSync(f.model)
  const train = await loadDataset({ data: f.data!, split: 'background', spec: manifest })
  const test = await loadDataset({ data: f.data!, split: 'evaluation', spec: manifest })
  const plain = await embedDataset(bytes, test.dataset)
  const mu = meanRow(await embedDataset(bytes, train.dataset))
  const variants = [
    ['plain (as served)', plain],
    [
      'centered on the background mean',
      fromEmbeddings(centered(plain, mu), plain.dim, test.dataset),
    ],
  ] as const
  console.log(`model ${manifest.id}`)
  printVariantTable(variants, manifest, test.splitName, Number(f.episodes))
}

main().catch((e: Error) => {
  console.error(e.message)
  process.exit(1)
})
