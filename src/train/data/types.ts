/**
 * The in-memory dataset every training module consumes (docs/CONTRACTS.md), plus small pure
 * helpers over it. Pixels are already preprocessed with core's preprocessing (ink = 1).
 */

/** A class: its name (unique) and group (the alphabet, for within-alphabet episodes). */
export interface ClassInfo {
  name: string
  group: string
}

/**
 * An image dataset, [n, channels, height, width]: each image is its channel planes one after the
 * other, row-major, as core's preprocessing writes them and the ONNX model reads them (NCHW).
 */
export interface ImageDataset {
  height: number
  width: number
  /** absent: 1 (drawn characters); 3 for RGB photos */
  channels?: number
  pixels: Float32Array // n * channels * height * width
  labels: Int32Array // class index per image
  classes: ClassInfo[] // group = alphabet (for within-alphabet episodes)
}

/** Number of images. */
export function datasetSize(ds: ImageDataset): number {
  return ds.labels.length
}

/** Floats per image: channels x height x width. */
export function imageSize(ds: Pick<ImageDataset, 'height' | 'width' | 'channels'>): number {
  return (ds.channels ?? 1) * ds.height * ds.width
}

/** `{ channels }` for a dataset with more than one channel, else nothing (the default 1). */
export const channelsOf = (ds: Pick<ImageDataset, 'channels'>): { channels?: number } =>
  (ds.channels ?? 1) === 1 ? {} : { channels: ds.channels }

/**
 * Checks the invariants other modules rely on; throws naming the first broken one.
 * @example validateDataset(await loadOmniglot({ source, split: 'background' }))
 */
export function validateDataset(ds: ImageDataset): ImageDataset {
  const px = imageSize(ds)
  if (!(Number.isInteger(ds.height) && Number.isInteger(ds.width) && px > 0))
    throw new Error(`ImageDataset: bad size ${ds.height}x${ds.width}`)
  if (![1, 3].includes(ds.channels ?? 1))
    throw new Error(`ImageDataset: ${ds.channels} channels (1 or 3)`)
  if (ds.pixels.length !== ds.labels.length * px)
    throw new Error(
      `ImageDataset: pixels has ${ds.pixels.length} values, expected ${ds.labels.length} x ${px}`,
    )
  for (let i = 0; i < ds.labels.length; i++) {
    const l = ds.labels[i]
    if (l < 0 || l >= ds.classes.length)
      throw new Error(`ImageDataset: image ${i} has label ${l}, only ${ds.classes.length} classes`)
  }
  const names = new Set<string>()
  for (const c of ds.classes) {
    if (names.has(c.name)) throw new Error(`ImageDataset: duplicate class name "${c.name}"`)
    names.add(c.name)
  }
  return ds
}

/**
 * For each class, the indices of its images (ascending).
 * @example const byClass = indicesByClass(ds); byClass[3].length // images of class 3
 */
export function indicesByClass(ds: ImageDataset): Int32Array[] {
  const counts = new Int32Array(ds.classes.length)
  for (let i = 0; i < ds.labels.length; i++) counts[ds.labels[i]]++
  const out = Array.from(counts, (c) => new Int32Array(c))
  const fill = new Int32Array(ds.classes.length)
  for (let i = 0; i < ds.labels.length; i++) {
    const l = ds.labels[i]
    out[l][fill[l]++] = i
  }
  return out
}

/**
 * For each group, the indices of its classes, in class order.
 * @example classesByGroup(ds).get('Latin') // [12, 13, ...]
 */
export function classesByGroup(ds: ImageDataset): Map<string, number[]> {
  const m = new Map<string, number[]>()
  ds.classes.forEach((c, i) => {
    const list = m.get(c.group)
    if (list) list.push(i)
    else m.set(c.group, [i])
  })
  return m
}

/**
 * A new dataset with only the given classes, relabelled 0..k-1 in the order given.
 * Images keep their relative order.
 * @example const val = subsetByClasses(ds, [0, 5, 9])
 */
export function subsetByClasses(ds: ImageDataset, classIdx: ArrayLike<number>): ImageDataset {
  const remap = new Int32Array(ds.classes.length).fill(-1)
  const classes: ClassInfo[] = []
  for (let j = 0; j < classIdx.length; j++) {
    const c = classIdx[j]
    if (!(c >= 0 && c < ds.classes.length)) throw new RangeError(`subsetByClasses: no class ${c}`)
    if (remap[c] !== -1) throw new RangeError(`subsetByClasses: class ${c} listed twice`)
    remap[c] = j
    classes.push({ ...ds.classes[c] })
  }
  let n = 0
  for (let i = 0; i < ds.labels.length; i++) if (remap[ds.labels[i]] !== -1) n++
  const px = imageSize(ds)
  const pixels = new Float32Array(n * px)
  const labels = new Int32Array(n)
  let k = 0
  for (let i = 0; i < ds.labels.length; i++) {
    const l = remap[ds.labels[i]]
    if (l === -1) continue
    pixels.set(ds.pixels.subarray(i * px, (i + 1) * px), k * px)
    labels[k++] = l
  }
  return { height: ds.height, width: ds.width, ...channelsOf(ds), pixels, labels, classes }
}

/** Subset keeping the classes whose group is in `groups` (e.g. a list of alphabets). */
export function subsetByGroups(ds: ImageDataset, groups: Iterable<string>): ImageDataset {
  const want = new Set(groups)
  const idx: number[] = []
  ds.classes.forEach((c, i) => want.has(c.group) && idx.push(i))
  return subsetByClasses(ds, idx)
}

/**
 * Copies the images at `indices` into one contiguous [k, channels, height, width] buffer (a batch).
 * @example const x = tf.tensor4d(gatherPixels(ds, b.indices), [k, ds.height, ds.width, 1])
 */
export function gatherPixels(
  ds: ImageDataset,
  indices: ArrayLike<number>,
  out?: Float32Array,
): Float32Array {
  const px = imageSize(ds)
  const dst = out ?? new Float32Array(indices.length * px)
  if (dst.length < indices.length * px) throw new RangeError('gatherPixels: out is too small')
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]
    dst.set(ds.pixels.subarray(i * px, (i + 1) * px), j * px)
  }
  return dst
}

/**
 * Concatenates datasets of the same size; class names must not collide.
 * @example const trainval = concatDatasets([train, val])
 */
export function concatDatasets(parts: ImageDataset[]): ImageDataset {
  if (parts.length === 0) throw new Error('concatDatasets: nothing to concatenate')
  const { height, width } = parts[0]
  const px = imageSize(parts[0])
  let n = 0
  for (const p of parts) {
    if (p.height !== height || p.width !== width || imageSize(p) !== px)
      throw new Error(`concatDatasets: sizes differ (${p.height}x${p.width} vs ${height}x${width})`)
    n += p.labels.length
  }
  const pixels = new Float32Array(n * px)
  const labels = new Int32Array(n)
  const classes: ClassInfo[] = []
  let off = 0
  for (const p of parts) {
    pixels.set(p.pixels, off * px)
    for (let i = 0; i < p.labels.length; i++) labels[off + i] = p.labels[i] + classes.length
    off += p.labels.length
    classes.push(...p.classes.map((c) => ({ ...c })))
  }
  return validateDataset({ height, width, ...channelsOf(parts[0]), pixels, labels, classes })
}
