// `npm run export` as a user runs it: with --data the parity check runs on 64 real images of it;
// without, on noise, and the user is told.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trainMain } from '../../../src/train/cli/train-main'
import { runCli as cli } from './run-cli'

describe('npm run export: parity images', () => {
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'export-parity-'))
    // The checkpoint to export: trained in this process (no tsx child); export runs as a user runs it.
    const r = await trainMain([
      ...['--data', 'generated', '--steps', '2', '--ways', '5', '--shots', '1', '--queries', '1'],
      ...['--width', '8', '--val-fraction', '0', '--id', 'tiny', '--out', join(dir, 'run')],
    ])
    expect(r).toMatchObject({ id: 'tiny', steps: 2 })
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const exportArgs = (id: string) => [
    ...['--checkpoint', join(dir, 'run', 'model'), '--id', id, '--models-dir', join(dir, 'models')],
  ]

  it('checks 64 images of --data (the split defaults to the training one)', () => {
    const r = cli('export', [...exportArgs('real'), '--data', 'generated'])
    expect(r.code, r.err).toBe(0)
    expect(r.out).toMatch(/parity max abs diff \S+ on 64 images/)
    expect(r.err).not.toMatch(/noise only/)
  })

  it('falls back to noise without --data, and warns', () => {
    const r = cli('export', exportArgs('noise'))
    expect(r.code, r.err).toBe(0)
    expect(r.out).toMatch(/on 17 images/)
    expect(r.err).toMatch(/parity checked on noise only; pass --data/)
  })
})
