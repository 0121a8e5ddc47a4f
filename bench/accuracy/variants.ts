/**
 * Shared by the eval-only trials (centering, ensemble, shifts): moved images, embeddings
 * post-processing and the table that scores several variants of one split on the SAME episodes (paired differences).
 */
import { moveInput, type ModelManifest } from '../../src/core/index.js'
import type { ImageDataset } from '../../src/train/data/types.js'
import { loadDataset } from '../../src/train/data/load.js'
import { splitForTraining } from '../../src/train/recipe/split.js'
import type { Shift } from '../../src/train/model/shift-views.js'
import type { EmbeddedDataset } from '../../src/train/eval/embedded.js'
import { evaluateEmbeddings } from '../../src/train/eval/evaluate.js'

/** Rows of a row-major [n, d] matrix scaled to unit length, in place. */
export function normaliseRows(x: Float32Array, d: number): Float32Array {
  for (let i = 0; i < x.length / d; i++) {
    let n = 0
    for (let j = 0; j < d; j++) n += x[i * d + j] ** 2
    const s = 1 / Math.sqrt(n || 1)
    for (let j = 0; j < d; j++) x[i * d + j] *= s
  }
  return x
}

/**
 * Prints a markdown table: one row per variant, 5- and 20-way 1-shot in both protocols, mean ±
 * 95% CI over `episodes` episodes per setting (same seed for every variant).
 */
export function printVariantTable(
  variants: readonly (readonly [string, EmbeddedDataset])[],
  manifest: Pick<ModelManifest, 'id' | 'metric'>,
  split: string,
  episodes: number,
): void {
  const opts = { split, ways: [5, 20], shots: [1], episodes, pairs: 0 }
  console.log(`${split}; ${episodes} episodes per setting, 15 queries, mean ± 95% CI (%)`)
  console.log(
    '| variant | all 5-way 1-shot | all 20-way 1-shot | within 5-way 1-shot | within 20-way 1-shot |',
  )
  console.log('|---|---|---|---|---|')
  for (const [name, data] of variants) {
    const r = evaluateEmbeddings(data, manifest, opts).results
    const cell = (p: string, w: number) => {
      const x = r.find((e) => e.protocol === p && e.ways === w)
      return x ? `${(100 * x.accuracy).toFixed(2)} ± ${(100 * x.ci95).toFixed(2)}` : 'n/a'
    }
    const cells = ['all-alphabets', 'within-alphabet'].flatMap((p) => [cell(p, 5), cell(p, 20)])
    console.log(`| ${name} | ${cells.join(' | ')} |`)
  }
}

/** `ds` with every image moved by (dx, dy) pixels, uncovered pixels 0 (background). */
export function shiftedDataset(ds: ImageDataset, shift: Shift): ImageDataset {
  const { height, width } = ds
  const px = height * width
  const out = new Float32Array(ds.pixels.length)
  const shape = { channels: 1, height, width }
  for (let i = 0; i < ds.labels.length; i++)
    out.set(moveInput(ds.pixels.subarray(i * px, (i + 1) * px), shape, shift, 0), i * px)
  return { ...ds, pixels: out }
}

/**
 * The split a trial scores, from the scripts' `--data --split --seed --val-fraction` flags:
 * `validation` is the background classes a training run with that seed held out; any other
 * name is an eval split of `--data`.
 */
export async function loadTrialSplit(
  f: { data?: string; split?: string; seed?: string; 'val-fraction'?: string },
  manifest: Pick<ModelManifest, 'input' | 'preprocess'>,
): Promise<{ dataset: ImageDataset; splitName: string }> {
  const [data, split] = [f.data ?? '../shared/data/omniglot', f.split ?? 'validation']
  if (split !== 'validation') return loadDataset({ data, split, spec: manifest })
  const bg = await loadDataset({ data, split: 'background', spec: manifest })
  const opts = {
    valFraction: Number(f['val-fraction'] ?? 0.05),
    rotations: false,
    seed: Number(f.seed),
  }
  const dataset = splitForTraining(bg.dataset, opts).val!
  return { dataset, splitName: `${bg.splitName}: classes held out by --seed ${f.seed}` }
}
