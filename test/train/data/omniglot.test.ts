import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  buildVinyalsDataset,
  datasetCachePath,
  indicesByClass,
  loadOmniglot,
  omniglotPartClasses,
  parseVinyalsSplit,
  rotate90,
  validateDataset,
} from '../../../src/train/data'
import type { ImageDataset } from '../../../src/train/data'
import { ALPHABETS, CHARS, DRAWINGS, blockPng, omniglotTree, omniglotZip } from './fixtures'
import { removeTempDirs, tempDir, writeTree } from './fixtures'

afterAll(removeTempDirs)

// Tests stay hermetic: nothing is written to the default cache folder in the OS temp dir.
const noCache = { cacheDir: false } as const

const image = (ds: ImageDataset, i: number) => {
  const px = ds.height * ds.width
  return ds.pixels.subarray(i * px, (i + 1) * px)
}
const inkSum = (a: Float32Array) => a.reduce((s, v) => s + v, 0)

describe('Omniglot loader (official layout)', () => {
  const zipDir = tempDir()
  writeFileSync(join(zipDir, 'images_background.zip'), omniglotZip('images_background'))
  writeFileSync(join(zipDir, 'images_evaluation.zip'), omniglotZip('images_evaluation'))

  it('loads a split straight from the zip, group = alphabet, ink = 1', async () => {
    const ds = await loadOmniglot({ ...noCache, source: zipDir, split: 'background', size: 21 })
    validateDataset(ds)
    expect(ds.classes.length).toBe(ALPHABETS.length * CHARS.length)
    expect(ds.labels.length).toBe(ALPHABETS.length * CHARS.length * DRAWINGS)
    expect(ds.classes[0]).toEqual({ name: 'Alpha/character01', group: 'Alpha' })
    expect(ds.classes[5]).toEqual({ name: 'Beta/character03', group: 'Beta' })
    // 7x7 ink block, background exactly 0.
    expect(inkSum(image(ds, 0))).toBeCloseTo(49, 4)
    expect(Math.max(...image(ds, 0))).toBeCloseTo(1, 6)
    // Drawing 2 of character 1: the block is one block lower (rows 7..13).
    expect(image(ds, 1)[7 * 21 + 0]).toBeCloseTo(1, 6)
    expect(image(ds, 1)[0]).toBe(0)
  })

  it('loads the same pixels from a folder as from the zip, and from a zip path', async () => {
    const dir = tempDir()
    writeTree(dir, omniglotTree('images_background'))
    const a = await loadOmniglot({ ...noCache, source: dir, split: 'background', size: 14 })
    const b = await loadOmniglot({ ...noCache, source: zipDir, split: 'background', size: 14 })
    const c = await loadOmniglot({
      source: join(zipDir, 'images_background.zip'),
      split: 'background',
      size: 14,
      cacheDir: false,
    })
    expect(a.classes).toEqual(b.classes)
    expect(a.pixels).toEqual(b.pixels)
    expect(c.pixels).toEqual(b.pixels)
  })

  it('names the missing part and rejects a wrong zip', async () => {
    const dir = tempDir()
    writeTree(dir, omniglotTree('images_background'))
    expect(() => omniglotPartClasses(dir, 'evaluation')).toThrow(/images_evaluation\.zip/)
    const zip = join(zipDir, 'images_background.zip')
    await expect(loadOmniglot({ ...noCache, source: zip, split: 'evaluation' })).rejects.toThrow(
      /not images_evaluation\.zip/,
    )
    const nope = loadOmniglot({ ...noCache, source: join(dir, 'nope'), split: 'background' })
    await expect(nope).rejects.toThrow(/not found/)
  })

  it('caches the decoded dataset and reads it back bit-exactly', async () => {
    const cacheDir = tempDir()
    const a = await loadOmniglot({ source: zipDir, split: 'background', size: 9, cacheDir })
    const b = await loadOmniglot({ source: zipDir, split: 'background', size: 9, cacheDir })
    expect(b.pixels).toEqual(a.pixels)
    expect(b.labels).toEqual(a.labels)
    expect(b.classes).toEqual(a.classes)
    // A corrupt cache is a miss, not an error.
    for (const f of readdirSync(cacheDir)) writeFileSync(join(cacheDir, f), 'garbage')
    const c = await loadOmniglot({ source: zipDir, split: 'background', size: 9, cacheDir })
    expect(c.pixels).toEqual(a.pixels)
    expect(datasetCachePath(cacheDir, { x: 1 })).not.toBe(datasetCachePath(cacheDir, { x: 2 }))
  })

  it('misses the cache when the source changes', async () => {
    const dir = tempDir()
    const cacheDir = tempDir()
    writeTree(dir, omniglotTree('images_background'))
    const a = await loadOmniglot({ source: dir, split: 'background', size: 7, cacheDir })
    // Same key, new content: one drawing rewritten in place (its folders' mtimes may not move).
    const png = join(dir, 'images_background', 'Alpha', 'character01', '0000_01.png')
    writeFileSync(png, blockPng(2, 2))
    const b = await loadOmniglot({ source: dir, split: 'background', size: 7, cacheDir })
    expect(b.classes).toEqual(a.classes)
    expect(b.pixels).not.toEqual(a.pixels)
  })
})

describe('Vinyals split', () => {
  it('parses lines and names the bad one', () => {
    const s = parseVinyalsSplit('A/character01/rot000\r\nA/character01/rot090\n\nB/c2/rot270\n')
    expect(s).toEqual([
      { alphabet: 'A', character: 'character01', rotation: 0 },
      { alphabet: 'A', character: 'character01', rotation: 90 },
      { alphabet: 'B', character: 'c2', rotation: 270 },
    ])
    expect(() => parseVinyalsSplit('A/c1/rot000\nA/c1/rot045\n', 'x.txt')).toThrow(/x\.txt:2/)
    expect(() => parseVinyalsSplit('A/c1\n')).toThrow(/:1:/)
    expect(() => parseVinyalsSplit('A/c1/rot000\nA/c1/rot000')).toThrow(/twice/)
  })

  it('builds one class per line with rotated images, group = alphabet', () => {
    const base: ImageDataset = {
      height: 3,
      width: 3,
      pixels: Float32Array.from({ length: 27 }, (_, i) => i),
      labels: Int32Array.from([0, 0, 1]),
      classes: [
        { name: 'A/c1', group: 'A' },
        { name: 'B/c2', group: 'B' },
      ],
    }
    const ds = buildVinyalsDataset(base, parseVinyalsSplit('B/c2/rot090\nA/c1/rot000\nA/c1/rot180'))
    expect(ds.classes.map((c) => c.name)).toEqual(['B/c2/rot090', 'A/c1/rot000', 'A/c1/rot180'])
    expect(ds.classes.map((c) => c.group)).toEqual(['B', 'A', 'A'])
    expect(Array.from(ds.labels)).toEqual([0, 1, 1, 2, 2])
    expect(image(ds, 0)).toEqual(rotate90(image(base, 2), 3, 3, 90))
    expect(image(ds, 1)).toEqual(image(base, 0))
    expect(image(ds, 4)).toEqual(rotate90(image(base, 1), 3, 3, 180))
    expect(() => buildVinyalsDataset(base, parseVinyalsSplit('C/c9/rot000'))).toThrow(/C\/c9/)
  })

  it('loads vinyals:<name> across both archives from split files', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'images_background.zip'), omniglotZip('images_background'))
    const evalTree = Object.fromEntries(
      Object.entries(omniglotTree('images_evaluation')).map(([k, v]) => [
        k.replace('/Alpha/', '/Gamma/').replace('/Beta/', '/Delta/'),
        v,
      ]),
    )
    writeTree(dir, evalTree) // evaluation as a folder: mixing folder and zip is allowed
    writeTree(dir, {
      'splits/vinyals/val.txt':
        'Gamma/character02/rot000\nGamma/character02/rot090\nAlpha/character01/rot270\n',
    })
    const ds = await loadOmniglot({ ...noCache, source: dir, split: 'vinyals:val', size: 21 })
    expect(ds.classes).toEqual([
      { name: 'Gamma/character02/rot000', group: 'Gamma' },
      { name: 'Gamma/character02/rot090', group: 'Gamma' },
      { name: 'Alpha/character01/rot270', group: 'Alpha' },
    ])
    const by = indicesByClass(ds)
    expect(by.map((x) => x.length)).toEqual([2, 2, 2])
    expect(image(ds, by[1][0])).toEqual(rotate90(image(ds, by[0][0]), 21, 21, 90))
    const missing = loadOmniglot({ ...noCache, source: dir, split: 'vinyals:test' })
    await expect(missing).rejects.toThrow(/test\.txt/)
  })
})
