import { describe, expect, it } from 'vitest'
import {
  classesByGroup,
  concatDatasets,
  gatherPixels,
  indicesByClass,
  subsetByClasses,
  subsetByGroups,
  validateDataset,
} from '../../../src/train/data'
import type { ImageDataset } from '../../../src/train/data'

// 2x1 images whose pixels are (i, -i): easy to trace through the helpers.
const ds: ImageDataset = {
  height: 2,
  width: 1,
  pixels: Float32Array.from({ length: 10 }, (_, k) => (k % 2 ? -1 : 1) * Math.floor(k / 2)),
  labels: Int32Array.from([1, 0, 2, 1, 0]),
  classes: [
    { name: 'a', group: 'G' },
    { name: 'b', group: 'H' },
    { name: 'c', group: 'G' },
  ],
}

describe('dataset helpers', () => {
  it('indicesByClass and classesByGroup', () => {
    expect(indicesByClass(ds).map((x) => Array.from(x))).toEqual([[1, 4], [0, 3], [2]])
    expect([...classesByGroup(ds)]).toEqual([
      ['G', [0, 2]],
      ['H', [1]],
    ])
  })

  it('subsetByClasses relabels in the given order and keeps image order', () => {
    const s = validateDataset(subsetByClasses(ds, [2, 0]))
    expect(s.classes.map((c) => c.name)).toEqual(['c', 'a'])
    expect(Array.from(s.labels)).toEqual([1, 0, 1])
    expect(Array.from(s.pixels)).toEqual([1, -1, 2, -2, 4, -4])
    expect(subsetByGroups(ds, ['G']).classes.map((c) => c.name)).toEqual(['a', 'c'])
    expect(() => subsetByClasses(ds, [0, 0])).toThrow(/twice/)
  })

  it('gatherPixels copies a batch; concatDatasets offsets labels', () => {
    expect(Array.from(gatherPixels(ds, [3, 0]))).toEqual([3, -3, 0, -0])
    const renamed = { ...ds, classes: ds.classes.map((c) => ({ ...c, name: `${c.name}2` })) }
    const c = concatDatasets([ds, renamed])
    expect(c.classes.length).toBe(6)
    expect(Array.from(c.labels.subarray(5))).toEqual([4, 3, 5, 4, 3])
    expect(() => concatDatasets([ds, ds])).toThrow(/duplicate class/)
  })

  it('validateDataset names the broken invariant', () => {
    expect(() => validateDataset({ ...ds, pixels: new Float32Array(3) })).toThrow(/pixels has 3/)
    const labels = Int32Array.from([0, 0, 0, 0, 3])
    expect(() => validateDataset({ ...ds, labels })).toThrow(/label 3/)
  })
})
