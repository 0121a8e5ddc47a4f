// The CLIs as a user runs them: a bad flag fails fast (before any data is read or any training
// step runs) with exit code 2 and a message naming the flag.
import { describe, expect, it } from 'vitest'
import { runCli as cli } from './run-cli'

describe('train and export CLIs reject bad flags by name', () => {
  it('train --views with an unknown view set', () => {
    const r = cli('train', ['--data', 'generated', '--views', 'plus3'])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/--views: expected one of none, plus1, box1, plus2, got "plus3"/)
  })

  it('train --group-episodes out of range', () => {
    const r = cli('train', ['--data', 'generated', '--group-episodes', '1.5'])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/--group-episodes/)
  })

  it('export --views with an unknown view set, before reading the checkpoint', () => {
    const r = cli('export', ['--checkpoint', 'no/such/dir', '--id', 'x', '--views', 'all'])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/--views: expected one of/)
  })
})
