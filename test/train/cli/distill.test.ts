// `npm run train -- --distill <teacher.onnx>` as a user runs it: the teacher is a real export
// (9 shifted views), the student trains on two worker threads, and bad teachers are named.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trainMain } from '../../../src/train/cli/train-main'
import { runCli as cli } from './run-cli'

const TINY = [
  ...['--data', 'generated', '--steps', '2', '--ways', '5', '--shots', '1', '--queries', '1'],
  ...['--width', '8', '--val-fraction', '0'],
]

describe('npm run train -- --distill', () => {
  let dir: string
  let teacher: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'distill-'))
    const models = join(dir, 'models')
    // The teacher: trained and exported in this process (no tsx child); the students run as a user runs them.
    const r = await trainMain(
      [...TINY, '--id', 'teacher', '--out', join(dir, 'teacher')].concat([
        '--export',
        '--views',
        'box1',
        '--models-dir',
        models,
      ]),
    )
    teacher = join(models, 'teacher.onnx')
    expect(r).toMatchObject({ id: 'teacher', onnxPath: teacher })
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('embeds every training image with the teacher once, keeps the rows for a resume, and records the teacher', () => {
    const out = join(dir, 'student')
    const args = [...TINY, '--id', 'student', '--out', out, '--workers', '2'].concat([
      '--distill',
      teacher,
      '--distill-weight',
      '4',
    ])
    const r = cli('train', args)
    expect(r.code, r.err).toBe(0)
    // 96 generated classes x 10 images x 4 rotations
    expect(r.err).toMatch(/distilling from \S+teacher\.onnx: 3840 teacher embeddings computed/)
    // started again, the run resumes and reads the rows it kept instead of embedding again
    const again = cli('train', args)
    expect(again.code, again.err).toBe(0)
    expect(again.err).toContain(`3840 teacher embeddings read back from ${out}`)
    expect(again.err).toMatch(/resumed from/)
    const { training } = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8'))
    expect(training.distill).toEqual({ teacher, weight: 4 })
    expect(training.recipe.distillWeight).toBe(4)
  })

  it('refuses --distill-weight without a teacher, and a negative weight', () => {
    const alone = cli('train', [...TINY, '--out', join(dir, 'w'), '--distill-weight', '3'])
    expect(alone.code).toBe(2)
    expect(alone.err).toMatch(/--distill-weight needs --distill/)
    const negative = cli('train', [...TINY, '--distill', teacher, '--distill-weight', '-1'])
    expect(negative.code).toBe(2)
    expect(negative.err).toMatch(/--distill-weight/)
  })

  it('names --distill when the teacher is missing or embeds in another size', () => {
    const missing = cli('train', [
      ...TINY,
      '--out',
      join(dir, 'x'),
      '--distill',
      join(dir, 'no.onnx'),
    ])
    expect(missing.code).toBe(2)
    expect(missing.err).toMatch(/--distill: teacher model not found: \S+no\.onnx/)
    const wide = cli('train', [
      ...TINY,
      '--out',
      join(dir, 'y'),
      '--width',
      '16',
      '--distill',
      teacher,
    ])
    expect(wide.code).toBe(2)
    expect(wide.err).toMatch(/--distill \S+: the teacher embeds in 8 dimensions, the student in 16/)
  })
})
