// End to end: the command-line client (bin/oneshot.mjs) as a child process against a real
// `wrangler dev` seeded with the shipped models: create a set, import a folder of 20 glyph
// classes, classify a folder of held-out drawings, verify, and the API's errors.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWranglerDev, type DevServer } from '../../scripts/wrangler-dev'
import { glyphToPng, type GlyphOptions } from '../../src/train/data/generated'

const KEY = 'dev-local-key' // .dev.vars
const GLYPHS: GlyphOptions = { alphabets: 4, charactersPerAlphabet: 5, drawingsPerCharacter: 3 }
const label = (a: number, c: number) => `a${a + 1}-c${c + 1}`
let server: DevServer
let dir: string

/** Runs `oneshot ...args`; the URL and key come from the environment unless args give them. */
const oneshot = (...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      ['bin/oneshot.mjs', ...args],
      { env: { ...process.env, ONESHOT_URL: server.url, ONESHOT_KEY: KEY, FORCE_COLOR: '0' } },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  )

const getSet = (id: string) =>
  fetch(`${server.url}/v1/sets/${id}`, { headers: { authorization: `Bearer ${KEY}` } }).then(
    (r) => r.json() as Promise<{ count: number; labels: string[] }>,
  )

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oneshot-cli-e2e-'))
  server = await startWranglerDev({
    persistTo: join(dir, 'state'),
    vars: { DEV_API_KEY: KEY },
    seed: true,
  })
  // 20 classes: drawings 0 and 1 in support/<label>/, drawing 2 in queries/<label>.png.
  for (let a = 0; a < GLYPHS.alphabets; a++)
    for (let c = 0; c < GLYPHS.charactersPerAlphabet; c++) {
      const folder = join(dir, 'support', label(a, c))
      mkdirSync(folder, { recursive: true })
      mkdirSync(join(dir, 'queries'), { recursive: true })
      for (const d of [0, 1]) writeFileSync(join(folder, `${d}.png`), glyphToPng(GLYPHS, a, c, d))
      writeFileSync(join(dir, 'queries', `${label(a, c)}.png`), glyphToPng(GLYPHS, a, c, 2))
    }
})

afterAll(async () => {
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('oneshot (the command-line client) over wrangler dev', () => {
  let set: string

  it('--help per command', async () => {
    const r = await oneshot('import', '--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('usage: oneshot import <folder>')
  })

  it('sets create and list', async () => {
    const created = await oneshot('sets', 'create', 'glyphs', '--url', server.url, '--key', KEY)
    expect(created.code).toBe(0)
    set = created.stdout.trim()
    expect(set).toMatch(/^set_/)
    const listed = await oneshot('sets', 'list')
    expect(listed.stdout).toContain(`${set}  glyphs  0 examples`)
  })

  it('imports a folder of 20 classes x 2 images, with progress and a summary', async () => {
    const r = await oneshot(
      'import',
      join(dir, 'support'),
      '--set',
      set,
      '--failures',
      join(dir, 'f.json'),
    )
    expect(r.stderr, r.stdout).toMatch(/import 40\/40 images, 0 failed/)
    expect(r.stdout).toContain(`imported 40 of 40 images into set ${set}: 0 failed`)
    expect(r.code).toBe(0)
    const info = await getSet(set)
    expect(info.count).toBe(40)
    expect(info.labels).toHaveLength(20)
  })

  it('an import run again sends the same batches with the same Idempotency-Keys: nothing twice', async () => {
    const again = await oneshot('import', join(dir, 'support'), '--set', set)
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain(
      `imported 40 of 40 images into set ${set}: 0 failed, 40 already there (sent before: not stored twice)`,
    )
    expect((await getSet(set)).count).toBe(40)
    // Another set: other keys, so the same files are stored there.
    const other = await oneshot('import', join(dir, 'support'), '--name', 'copy')
    expect(other.stdout).toMatch(
      /imported 40 of 40 images into set set_\w+: 0 failed; the set has 40/,
    )
    const copy = /created set (set_\w+)/.exec(other.stdout)![1]!
    expect((await oneshot('sets', 'delete', copy)).code).toBe(0)
  })

  it('classifies a folder as CSV and JSON; most top labels are right', async () => {
    const csv = await oneshot(
      'classify',
      join(dir, 'queries'),
      '--set',
      set,
      '--format',
      'csv',
      '--strong',
      '--k',
      '3',
    )
    expect(csv.code, csv.stderr).toBe(0)
    const lines = csv.stdout.trim().split('\n')
    expect(lines[0]).toBe('file,label,unknown,distance,similarity,top')
    expect(lines).toHaveLength(21)
    const json = await oneshot(
      'classify',
      join(dir, 'queries'),
      '--set',
      set,
      '--format',
      'json',
      '--strong',
    )
    const rows = JSON.parse(json.stdout) as { file: string; label: string; top: unknown[] }[]
    expect(rows).toHaveLength(20)
    expect(rows[0]!.top).toHaveLength(5)
    const right = rows.filter((r) => r.file === `${r.label}.png`).length
    expect(right).toBeGreaterThanOrEqual(14)
    const table = await oneshot('classify', join(dir, 'queries', 'a1-c1.png'), '--set', set)
    expect(table.stdout).toMatch(/^file\s+label\s+unknown\s+distance\s+similarity/)
  })

  it('verifies two images', async () => {
    const [a, b] = [0, 1].map((d) => join(dir, 'support', 'a1-c1', `${d}.png`))
    const r = await oneshot('verify', a!, b!)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^(same|different): distance \d+\.\d+ \(threshold /)
  })

  it('an unknown set: non-zero exit with the API message; a failing import lists its files', async () => {
    const r = await oneshot('classify', join(dir, 'queries'), '--set', 'set_missing')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/oneshot classify: 404 set_not_found: /)
    writeFileSync(join(dir, 'support', 'a1-c1', 'broken.png'), new Uint8Array([1, 2, 3]))
    const failures = join(dir, 'failures.json')
    const bad = await oneshot('import', join(dir, 'support'), '--set', set, '--failures', failures)
    expect(bad.code).toBe(1)
    expect(bad.stdout).toContain('imported 40 of 41 images')
    const listed = JSON.parse(readFileSync(failures, 'utf8'))
    expect(listed.failed.map((f: { path: string }) => f.path)).toEqual([
      join(dir, 'support', 'a1-c1', 'broken.png'),
    ])
    const retry = await oneshot('import', '--retry', failures)
    expect(retry.code).toBe(1)
    expect(retry.stdout).toContain('imported 0 of 1 images')
    expect(JSON.parse(readFileSync(failures, 'utf8')).failed).toHaveLength(1) // rewritten in place
    const deleted = await oneshot('sets', 'delete', set)
    expect(deleted.code).toBe(0)
    expect((await oneshot('sets', 'delete', set)).stderr).toMatch(/404 set_not_found/)
  })
})
