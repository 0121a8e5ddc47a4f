// Every code block of README.md, run as a newcomer would: in a clean copy of the repository (what
// git would commit, node_modules linked), in the README's order: `npm start`, the API walkthrough
// (bash, curl, jq) and the command-line client against it on the shipped samples/, the typed
// client's snippet, the quick training and what follows it, the face-model conversions. Each
// `# {...}` or `# → ...` comment is the output its command must print (`...` stands for anything).
// A command that cannot run here is listed below with the reason, and run in a reduced real form
// where one exists; a block the test does not know fails the test until it is listed.
import { spawn } from 'node:child_process'
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../scripts/wrangler-dev'
import { pollUntil } from './poll'
import {
  blocksOf,
  cleanCopy,
  commandsOf,
  outputPattern,
  runCommands,
  type Block,
  type Command,
  type Ran,
} from './readme-blocks'

const README = readFileSync('README.md', 'utf8')
const BLOCKS = blocksOf(README)
const LOCAL = 'http://127.0.0.1:8787' // what the README's commands talk to
// The training block takes ~1 min alone and ~2 min on a busy 2-core machine; a hang still fails.
const LONG = 300_000

/** Commands of the README that this test does not run as written, and why. */
const NOT_RUN: Record<string, string> = {
  'npm ci':
    'reinstalls node_modules from the registry; the copy links the installed one (CI runs `npm ci` before `npm test`)',
  'npm test': 'this test is part of it',
  'npm run train -- --data ../shared/data/omniglot --split background ...':
    "`...` stands for the reader's flags; Omniglot is not shipped and a full recipe takes hours",
  'npm run train -- --data ./my-images ...':
    "`...` stands for the reader's flags and my-images/ for their folder",
  'npm run train -- --data ../shared/data/lfw':
    'a second training run (38 s at a load of 1; this test keeps one); the same recipe on a drawn person/photo tree: test/train/recipe/faces.test.ts',
  'npm run convert -- blazeface --check ./photos':
    "./photos is the reader's folder; run here with --check samples (18 PNGs; parity needs 16 images, not faces)",
  'npm run eval:faces':
    'needs LFW (not shipped) and takes ~5 min per run on 2 cores; the CLI on a drawn zip: test/train/cli/eval-faces.test.ts',
}
/** Commands that must fail (negative controls). */
const MUST_FAIL = ['npm run convert -- faceres --allow-generated --sabotage flip-padding']

const notRun = (cmd: string) => Object.keys(NOT_RUN).find((k) => cmd.startsWith(k))
const block = (key: string): Block => {
  const b = BLOCKS.find((x) => x.key.startsWith(key))
  if (!b) throw new Error(`README.md has no code block starting "${key}"`)
  return b
}
/** The block's commands, less those listed in NOT_RUN (each one must be there). */
const runnable = (key: string): Command[] =>
  commandsOf(block(key).body).filter((c) => !notRun(c.cmd))

/** Each command exited as it should and printed what its comment shows. */
function expectAsShown(ran: Ran[]) {
  for (const r of ran) {
    const fails = MUST_FAIL.some((m) => r.cmd.startsWith(m))
    expect(fails ? r.code !== 0 : r.code === 0, `${r.cmd}\nexit ${r.code}:\n${r.output}`).toBe(true)
    if (r.expected !== undefined)
      expect(r.output, `${r.cmd}\nprinted:\n${r.output}`).toMatch(outputPattern(r.expected))
  }
}

let dir: string
let clone: string
let port: number
let url: string
const onPort = (text: string) => text.replaceAll(LOCAL, url)

beforeAll(async () => {
  ;({ dir, clone } = cleanCopy(process.cwd()))
  port = await freePort()
  url = `http://127.0.0.1:${port}`
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('README.md, every code block', () => {
  it('knows every block of the README and every command it leaves out', () => {
    const known = [
      'npm ci && npm start',
      "K='Authorization: Bearer dev-local-key'",
      'SET=$(npx oneshot sets create letters)',
      "import { createClient } from 'oneshot-edge/client'",
      'npm run train -- --preset quick --id demo --export',
      'npm run train -- --data ../shared/data/lfw',
      'npm run convert -- faceres',
      'npm run eval:faces',
    ]
    for (const b of BLOCKS)
      expect(
        known.some((k) => b.key.startsWith(k)),
        `README.md:${b.line}: a code block this test does not run (${b.key}); run it here, or list why not`,
      ).toBe(true)
    // Every reason names a command that is still in the README.
    const commands = BLOCKS.filter((b) => b.lang === 'sh').flatMap((b) => commandsOf(b.body))
    for (const key of Object.keys(NOT_RUN))
      expect(
        commands.some((c) => c.cmd.startsWith(key) || c.cmd.includes(` && ${key}`)),
        key,
      ).toBe(true)
    for (const [key, why] of Object.entries(NOT_RUN))
      console.log(`not run as written: ${key}: ${why}`)
  })

  describe('with `npm start` serving (quick start, API, command line, typed client)', () => {
    let stop: () => Promise<void> = async () => {}
    afterAll(() => stop())

    it('npm start (npm ci: see above) serves the API and the demo page and says so', async () => {
      const [start] = commandsOf(block('npm ci && npm start').body)
      expect(start!.cmd).toMatch(/^npm ci && npm start\s/)
      // Its own process group, so a TERM reaches npm and scripts/start.mjs (which stops wrangler).
      const child = spawn('npm', ['start'], {
        cwd: clone,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PORT: String(port), WRANGLER_SEND_METRICS: 'false' },
      })
      let log = ''
      child.stdout!.on('data', (d: Buffer) => (log += d.toString()))
      child.stderr!.on('data', (d: Buffer) => (log += d.toString()))
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      stop = async () => {
        if (child.exitCode !== null) return
        process.kill(-child.pid!, 'SIGTERM')
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())])
        if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL')
      }
      const ready = await pollUntil(
        '`npm start` to print its Ready line',
        () => (child.exitCode !== null ? `exited ${child.exitCode}: ${log}` : log),
        (text) => /^Ready: /m.test(text) || child.exitCode !== null,
        { timeoutMs: 100_000, intervalMs: 250 },
      )
      expect(ready).toMatch(outputPattern(onPort(start!.expected!)))
      const health = await fetch(`${url}/healthz`)
      expect(await health.json()).toMatchObject({ ok: true })
      const page = await fetch(`${url}/`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('/demo/app.js')
    })

    it('## API: the curl walkthrough on samples/*.png', async () => {
      const cmds = runnable("K='Authorization: Bearer dev-local-key'")
      expect(cmds.filter((c) => c.expected)).toHaveLength(4)
      const ran = await runCommands(
        cmds.map((c) => ({ ...c, cmd: onPort(c.cmd) })),
        { cwd: clone },
      )
      expectAsShown(ran)
    })

    it('## Command line: npx oneshot on samples/glyphs and samples/queries', async () => {
      const cmds = runnable('SET=$(npx oneshot sets create letters)')
      expect(cmds.filter((c) => c.expected).length).toBeGreaterThanOrEqual(6)
      const ran = await runCommands(cmds, { cwd: clone, env: { ONESHOT_URL: url } })
      expectAsShown(ran)
    })

    it('## Command line: the typed client snippet (oneshot-edge/client) creates a set', async () => {
      const b = block("import { createClient } from 'oneshot-edge/client'")
      const file = join(clone, 'readme-snippet.ts')
      writeFileSync(file, `${onPort(b.body)}\nconsole.log(JSON.stringify(set))\n`)
      const [ran] = await runCommands([{ cmd: 'npx tsx readme-snippet.ts' }], { cwd: clone })
      expect(ran!.code, ran!.output).toBe(0)
      expect(JSON.parse(ran!.output)).toMatchObject({
        id: expect.stringMatching(/^set_/),
        name: 'letters',
      })
    })
  })

  it(
    '## Training: quick training, eval, export --default, report (one training run)',
    async () => {
      const ran = await runCommands(
        runnable('npm run train -- --preset quick --id demo --export'),
        {
          cwd: clone,
        },
      )
      expect(ran.map((r) => r.cmd.split(' -- ')[0])).toEqual([
        'npm run train',
        'npm run eval',
        'npm run embed',
        'npm run export',
        'npm run report',
      ])
      expectAsShown(ran)
      for (const f of ['models/demo.onnx', 'models/demo.json', 'runs/demo/report.html'])
        expect(statSync(join(clone, f)).size, f).toBeGreaterThan(0)
      expect(JSON.parse(readFileSync(join(clone, 'models/catalogue.json'), 'utf8')).default).toBe(
        'demo',
      )
    },
    LONG,
  )

  it(
    '### Face models (converted): convert, --check a folder, the negative control',
    async () => {
      const commands = commandsOf(block('npm run convert -- faceres').body).map((c) =>
        c.cmd.startsWith('npm run convert -- blazeface --check ./photos')
          ? { ...c, cmd: c.cmd.replace('--check ./photos', '--check samples') }
          : c,
      )
      const control = commands.findIndex((c) => MUST_FAIL.some((m) => c.cmd.startsWith(m)))
      expect(control).toBe(commands.length - 1)
      expectAsShown(await runCommands(commands.slice(0, control), { cwd: clone }))
      // The sabotaged conversion fails and leaves the good one as it was.
      const written = ['json', 'onnx'].map((ext) =>
        join(clone, `models/face-embedder-faceres.${ext}`),
      )
      const before = written.map((f) => readFileSync(f))
      expectAsShown(await runCommands(commands.slice(control), { cwd: clone }))
      written.forEach((f, i) => expect(readFileSync(f).equals(before[i]!), f).toBe(true))
    },
    LONG,
  )
})
