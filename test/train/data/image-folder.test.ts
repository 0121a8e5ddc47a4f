import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadImageFolder, validateDataset } from '../../../src/train/data'
import { blockPng, removeTempDirs, tempDir, writeTree } from './fixtures'

afterAll(removeTempDirs)

describe('loadImageFolder', () => {
  it('loads root/<class>/<image> in name order, group = root name, skipping junk', () => {
    const root = join(tempDir(), 'shapes')
    writeTree(root, {
      'b/2.png': blockPng(1, 1),
      'b/1.PNG': blockPng(1, 0),
      'a/x.png': blockPng(0, 0),
      'a/.hidden.png': 'not an image',
      'a/notes.txt': 'ignored',
    })
    const ds = validateDataset(loadImageFolder(root, { height: 21 }))
    expect(ds.classes).toEqual([
      { name: 'a', group: 'shapes' },
      { name: 'b', group: 'shapes' },
    ])
    expect(Array.from(ds.labels)).toEqual([0, 1, 1])
    expect(ds.height).toBe(21)
    // '1.PNG' sorts before '2.png': the first b image is drawing 0 (block in the top rows).
    expect(ds.pixels[441 + 7]).toBeCloseTo(1, 6)
  })

  it('two-level mode names classes <group>/<class>', () => {
    const root = tempDir()
    writeTree(root, { 'G1/c1/a.png': blockPng(0, 0), 'G2/c1/a.png': blockPng(1, 0) })
    const ds = loadImageFolder(root, { twoLevel: true, height: 7, width: 14 })
    expect(ds.classes).toEqual([
      { name: 'G1/c1', group: 'G1' },
      { name: 'G2/c1', group: 'G2' },
    ])
    expect(ds.pixels.length).toBe(2 * 7 * 14)
  })

  it('errors name the path: missing root, no classes, empty class, undecodable file', () => {
    const root = tempDir()
    expect(() => loadImageFolder(join(root, 'missing'))).toThrow(/not found: .*missing/)
    expect(() => loadImageFolder(root)).toThrow(/no class folders in/)
    writeTree(root, { 'a/1.png': blockPng(0, 0), 'empty/readme.txt': 'x' })
    expect(() => loadImageFolder(root)).toThrow(/no .*images: .*empty/)
    writeFileSync(join(root, 'a', 'bad.png'), 'this is not a png')
    const bad = join(root, 'a', 'bad.png')
    expect(() => loadImageFolder(root, { onInvalid: 'skip', warn: () => {} })).not.toThrow()
    writeTree(root, { 'empty/1.png': blockPng(1, 1) })
    expect(() => loadImageFolder(root)).toThrow(bad)
  })

  it("onInvalid: 'skip' drops bad files and empty classes with a warning", () => {
    const root = tempDir()
    writeTree(root, {
      'a/1.png': blockPng(0, 0),
      'a/2.png': 'garbage',
      'b/1.png': 'garbage',
      'c/none.txt': 'x',
    })
    const warnings: string[] = []
    const ds = loadImageFolder(root, { onInvalid: 'skip', warn: (m) => warnings.push(m) })
    expect(ds.classes.map((c) => c.name)).toEqual(['a'])
    expect(ds.labels.length).toBe(1)
    expect(warnings.join('\n')).toMatch(/c\b.*skipped/)
    expect(warnings.join('\n')).toMatch(/a\/2\.png/)
    expect(warnings.join('\n')).toMatch(/"b" has no decodable images/)
  })
})
