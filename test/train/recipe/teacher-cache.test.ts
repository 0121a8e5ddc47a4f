// The teacher rows a `--distill` run keeps for its resume: read back only under the same teacher
// and the same images, and never from a half-written cache.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ImageDataset } from '../../../src/train/data/types'
import {
  readTeacherCache,
  teacherCacheKey,
  writeTeacherCache,
} from '../../../src/train/recipe/teacher-cache'

function tinyDataset(): ImageDataset {
  return {
    height: 2,
    width: 2,
    pixels: Float32Array.from([0, 1, 0, 1, 1, 0, 1, 0]),
    labels: Int32Array.from([0, 1]),
    classes: [
      { name: 'a', group: 'g' },
      { name: 'b', group: 'g' },
    ],
  }
}

describe('teacher cache', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'teacher-cache-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('changes its key with the teacher bytes, the pixels or the labels', () => {
    const onnx = Uint8Array.from([1, 2, 3])
    const ds = tinyDataset()
    const key = teacherCacheKey(onnx, ds)
    expect(teacherCacheKey(Uint8Array.from([1, 2, 3]), tinyDataset())).toBe(key)
    expect(teacherCacheKey(Uint8Array.from([1, 2, 4]), ds)).not.toBe(key)
    const moved = tinyDataset()
    moved.pixels[0] = 0.5
    expect(teacherCacheKey(onnx, moved)).not.toBe(key)
    const relabelled = tinyDataset()
    relabelled.labels[1] = 0
    expect(teacherCacheKey(onnx, relabelled)).not.toBe(key)
  })

  it('reads back exactly the rows written under the same key, and nothing under another', () => {
    const rows = Float32Array.from([0.25, -1.5, 3e-8, 7, Math.PI, -0])
    writeTeacherCache(dir, 'k1', rows)
    expect(readTeacherCache(dir, 'k1')).toEqual(rows)
    expect(readTeacherCache(dir, 'k2')).toBeNull()
    writeTeacherCache(dir, 'k2', rows.subarray(2))
    expect(readTeacherCache(dir, 'k1')).toBeNull()
    expect(readTeacherCache(dir, 'k2')).toEqual(rows.subarray(2))
    expect(readdirSync(dir).sort()).toEqual(['teacher.f32', 'teacher.json'])
  })

  it('returns null for an empty folder, missing or short rows, or an unreadable key file', () => {
    expect(readTeacherCache(dir, 'k')).toBeNull()
    writeTeacherCache(dir, 'k', new Float32Array(8).fill(1))
    rmSync(join(dir, 'teacher.f32'))
    expect(readTeacherCache(dir, 'k')).toBeNull()
    writeFileSync(join(dir, 'teacher.f32'), new Uint8Array(12))
    expect(readTeacherCache(dir, 'k')).toBeNull()
    writeFileSync(join(dir, 'teacher.json'), '{"key":')
    expect(readTeacherCache(dir, 'k')).toBeNull()
  })
})
