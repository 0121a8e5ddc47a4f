// `npm run eval` on a face model: handed to eval:faces, which scores LFW pairs through the
// converted ONNX files and src/core's face pipeline and writes the HTML report. LFW is research
// data that the repository does not ship: without ../shared/data/lfw the LFW cases skip.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readLocalModel } from '../../../scripts/model-admin'
import { defaultLfwDir } from '../../../src/train/data/lfw'
import { runCli } from './run-cli'

const ID = 'face-dlib-blazeface-v2'
const lfw = defaultLfwDir()
if (!lfw) console.warn('eval-faces CLI: LFW cases skipped: no LFW at ../shared/data/lfw')
const dir = mkdtempSync(join(tmpdir(), 'eval-faces-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('npm run eval on a face model', () => {
  beforeAll(async () => {
    await readLocalModel('models', ID) // a clean clone rebuilds the converted .onnx files
  }, 120_000)

  it('refuses an unknown --split with the usage (exit 2)', () => {
    const r = runCli('eval', ['--model', `models/${ID}.onnx`, '--data', '.', '--split', 'nope'])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/--split.*nope/)
  })

  it('refuses an unknown --rows value with the usage (exit 2)', () => {
    const args = ['--model', `models/${ID}.json`, '--lfw', '.', '--rows', 'float32,int4']
    const r = runCli('eval-faces', args)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/--rows: unknown value "int4"/)
  })

  it.skipIf(!lfw)('scores LFW pairs through the face pipeline and writes the report', () => {
    const report = join(dir, 'report')
    const r = runCli('eval', [
      ...['--model', `models/${ID}.onnx`, '--data', lfw!, '--split', 'dev-test'],
      ...['--limit', '20', '--report', report],
    ])
    expect(r.code, r.err).toBe(0)
    // the manifest's mirror averaging (stored examples only), 20 pairs, a 10-fold accuracy ± sd
    expect(r.out).toMatch(
      /\| template x1 \+ mirror \(supports\), dev-test \| 20 \| \d+\.\d\d ± \d+\.\d\d \|/,
    )
    expect(existsSync(join(report, 'index.html'))).toBe(true)
    expect(readFileSync(join(report, 'index.html'), 'utf8')).toContain(ID)
  })
})
