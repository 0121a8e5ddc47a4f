/** Each row's label as a small integer: `names[ids[row]] === labels[row]`, names first-seen. */
export interface LabelIndex {
  ids: Uint32Array
  names: string[]
}

// Per labels array: a Map lookup per row cost ~as much as the distances at 100k rows, and the
// edge passes the same array (its cached snapshot) on every request.
const cache = new WeakMap<readonly string[], LabelIndex>()

/**
 * The label index of `labels`, cached per array. A hit on an array that is not frozen is
 * re-checked row by row (~0.4 ms at 100k rows), so an array changed in place is re-indexed,
 * never misread; a frozen array (the Worker's snapshots) cannot change, so it skips the check.
 */
export function labelIndex(labels: readonly string[]): LabelIndex {
  const hit = cache.get(labels)
  if (
    hit &&
    (Object.isFrozen(labels) || (hit.ids.length === labels.length && matches(hit, labels)))
  )
    return hit
  const rowOf = new Map<string, number>()
  const ids = new Uint32Array(labels.length)
  for (let i = 0; i < labels.length; i++) {
    let id = rowOf.get(labels[i])
    if (id === undefined) rowOf.set(labels[i], (id = rowOf.size))
    ids[i] = id
  }
  const index = { ids, names: [...rowOf.keys()] }
  cache.set(labels, index)
  return index
}

/** Registers distinct `names` as their own index (one row per label, e.g. prototypes). */
export function distinctLabels(names: string[]): LabelIndex {
  const index = { ids: Uint32Array.from(names, (_, i) => i), names }
  cache.set(names, index)
  return index
}

function matches({ ids, names }: LabelIndex, labels: readonly string[]): boolean {
  for (let i = 0; i < labels.length; i++) if (labels[i] !== names[ids[i]]) return false
  return true
}
