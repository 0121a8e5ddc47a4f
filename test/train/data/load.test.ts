import { existsSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  detectSource,
  inkPreprocessSpec,
  loadDataset,
  preprocessSpecOf,
  validateDataset,
} from '../../../src/train/data/index'
import { defaultLfwDir, LFW_ZIP } from '../../../src/train/data/lfw'
import {
  blockPng,
  lfwStyleTree,
  lfwStyleZip,
  omniglotZip,
  removeTempDirs,
  tempDir,
  writeTree,
} from './fixtures'

afterAll(removeTempDirs)

const rgb = preprocessSpecOf('rgb', 16)

describe('loadDataset (training and evaluation)', () => {
  it('detects generated, Omniglot and folder sources and names the split they carry', async () => {
    const gen = await loadDataset({
      data: 'generated',
      split: 'evaluation',
      spec: inkPreprocessSpec(14),
    })
    expect(gen.splitName).toBe('generated:evaluation')
    expect(gen.dataset.height).toBe(14)

    const omni = tempDir()
    writeFileSync(join(omni, 'images_background.zip'), omniglotZip('images_background'))
    expect(detectSource(omni)).toBe('omniglot')
    const o = await loadDataset({
      data: omni,
      split: 'background',
      spec: inkPreprocessSpec(21),
      cacheDir: false,
    })
    expect(o.splitName).toBe('omniglot:background')
    expect(o.dataset.classes).toHaveLength(6)

    const glyphs = join(tempDir(), 'glyphs')
    writeTree(glyphs, { 'a/1.png': blockPng(0, 0), 'b/1.png': blockPng(1, 0) })
    expect(detectSource(glyphs)).toBe('folder')
    const f = await loadDataset({ data: glyphs, split: 'ignored', spec: inkPreprocessSpec(21) })
    expect(f.splitName).toBe('folder:glyphs')
    expect(f.dataset.channels).toBeUndefined() // one channel, as before
  })

  it('errors name the flag or path at fault', async () => {
    const missing = join(tempDir(), 'nope')
    await expect(loadDataset({ data: missing, split: 'x', spec: rgb })).rejects.toThrow(
      `--data: path not found: ${missing}`,
    )
    // Omniglot and the generated glyphs are ink images: a photo spec is refused, not ignored
    await expect(
      loadDataset({ data: 'generated', split: 'background', spec: rgb }),
    ).rejects.toThrow(/--data 'generated' loads square one-channel ink images/)
    const omni = tempDir()
    writeFileSync(join(omni, 'images_background.zip'), omniglotZip('images_background'))
    const wide = { ...inkPreprocessSpec(20, 28) }
    await expect(loadDataset({ data: omni, split: 'background', spec: wide })).rejects.toThrow(
      /\(Omniglot\) loads square one-channel ink images/,
    )
    const people = tempDir()
    writeTree(people, lfwStyleTree([1, 1]))
    await expect(
      loadDataset({ data: people, split: '', spec: rgb, minPerClass: 2 }),
    ).rejects.toThrow(/no class in .* has 2 or more images \(2 classes\)/)
  })

  it('reads an LFW-style person/photo folder as RGB, leaving out people with too few photos', async () => {
    const root = join(tempDir(), 'faces')
    writeTree(root, lfwStyleTree([3, 1, 2, 4]))
    const { dataset: ds, splitName } = await loadDataset({
      data: root,
      split: '',
      spec: rgb,
      minPerClass: 2,
    })
    validateDataset(ds)
    expect(splitName).toBe('folder:faces')
    expect(ds.channels).toBe(3)
    expect(ds.classes.map((c) => c.name)).toEqual(['Person_0', 'Person_2', 'Person_3'])
    expect(ds.classes[0].group).toBe('faces')
    expect(Array.from(ds.labels)).toEqual([0, 0, 0, 1, 1, 2, 2, 2, 2])
    expect(ds.pixels.length).toBe(9 * 3 * 16 * 16)
    // planes in R, G, B order, scaled to [-1, 1]: Person_0's disc is (0, 80, 160), the rest grey
    const centre = (plane: number) => ds.pixels[plane * 256 + 8 * 16 + 8]
    expect(centre(0)).toBeCloseTo(-1, 1)
    expect(centre(1)).toBeCloseTo(80 / 127.5 - 1, 1)
    expect(centre(2)).toBeCloseTo(160 / 127.5 - 1, 1)
    expect(ds.pixels[0]).toBeCloseTo(128 / 127.5 - 1, 1)
  })

  it("reads LFW's zip layout (lfw/<person>/<photo>) and the folder that holds lfw-dev.zip alike", async () => {
    const dir = tempDir()
    const folder = join(dir, 'tree')
    writeTree(folder, lfwStyleTree([2, 2, 1]))
    writeFileSync(join(dir, LFW_ZIP), lfwStyleZip([2, 2, 1]))
    const spec = preprocessSpecOf('gray', 16)
    const fromFolder = (await loadDataset({ data: folder, split: '', spec, minPerClass: 2 }))
      .dataset
    for (const data of [join(dir, LFW_ZIP), dir]) {
      const { dataset } = await loadDataset({ data, split: '', spec, minPerClass: 2 })
      expect(dataset.classes.map((c) => c.name)).toEqual(['Person_0', 'Person_1'])
      expect(dataset.classes[0].group).toBe('lfw')
      expect(dataset.channels).toBeUndefined()
      expect(dataset.pixels).toEqual(fromFolder.pixels)
    }
  })
})

// LFW itself (research data, outside the repository): evaluate and calibrate on it, never train a
// shipped model on it. The loader must read it as it is stored.
const lfwDir = defaultLfwDir()
describe.skipIf(!lfwDir)(
  `loadDataset on LFW photos (skipped without ${join('..', 'shared', 'data', 'lfw', LFW_ZIP)})`,
  () => {
    it('loads the people with 7+ photos from the folder that holds lfw-dev.zip, in RGB', async () => {
      const dir = resolve(lfwDir!)
      expect(existsSync(join(dir, LFW_ZIP))).toBe(true)
      const { dataset: ds, splitName } = await loadDataset({
        data: dir,
        split: '',
        spec: preprocessSpecOf('rgb', 32),
        minPerClass: 7,
      })
      validateDataset(ds)
      expect(splitName).toBe('folder:lfw')
      expect(ds.channels).toBe(3)
      expect(ds.classes).toHaveLength(14)
      expect(ds.labels.length).toBe(101)
      expect(ds.classes.map((c) => c.name)).toContain('Jennifer_Lopez')
      expect(ds.classes.every((c) => c.group === 'lfw')).toBe(true)
    })
  },
)
