// Starts `wrangler dev` (local mode) on a free port and waits for "Ready on". wrangler keeps running
// in watch mode after a build error without ever printing "Ready", so "Build failed" is detected
// too, and the process group is always stopped by its pid (never by name).
// With `seed`, it then publishes the models of models/catalogue.json to the local model store.
// Used by `npm start` (scripts/start.mjs), the e2e tests and bench/edge.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { buildPage, watchPage } from './build-page.mjs'
import {
  devKey,
  readCatalogueFile,
  readLocalModel,
  seedModels,
  type CatalogueFile,
  type CatalogueView,
} from './model-admin'

/** A running `wrangler dev`. */
export interface DevServer {
  url: string
  port: number
  /** The V8 inspector (wrangler's proxy to the Worker's isolate), for memory probes. */
  inspectorPort: number
  pid: number
  /** The catalogue after seeding (null without `seed`). */
  catalogue: CatalogueView | null
  /** Everything wrangler printed so far. */
  log(): string
  /** Stops the whole process group (TERM, then KILL after 3 s). */
  stop(): Promise<void>
}

export interface DevOptions {
  /** Default: a free port. */
  port?: number
  /** Where local KV and Durable Objects persist; default wrangler's own (.wrangler/state). */
  persistTo?: string
  /** Give up after this long without "Ready on" (default 60 s). */
  timeoutMs?: number
  /** Copy wrangler's output to this process's stdout. */
  echo?: boolean
  /** Rebuild the page script when src/edge/page/client changes (npm start), until stop(). */
  watchPage?: boolean
  /** Extra `--var NAME:VALUE` bindings. */
  vars?: Record<string, string>
  /** Another wrangler config (default: ./wrangler.toml). */
  config?: string
  /**
   * Once it serves, publish the models a catalogue lists (default: `<dir>/catalogue.json`, dir
   * default `models`) with their aliases and the default, using the dev key (`vars.DEV_API_KEY`,
   * else the one in .dev.vars). Models already there with the same bytes are left as they are
   * (their aliases re-applied), so a persisted store can be seeded on every start.
   */
  seed?: boolean | { dir?: string; catalogue?: CatalogueFile }
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

const ANSI = /\u001b\[[0-9;]*m/g

/** Starts wrangler dev and resolves once it serves; rejects (after stopping it) on failure. */
export async function startWranglerDev(opts: DevOptions = {}): Promise<DevServer> {
  // Models to seed are read (converted face models rebuilt) BEFORE wrangler starts: wrangler dev
  // reloads the Worker when files of the project change, which would cut an upload in flight.
  const seed = opts.seed ? (opts.seed === true ? {} : opts.seed) : null
  const seedDir = seed?.dir ?? 'models'
  const listed = seed
    ? (seed.catalogue ?? readCatalogueFile(join(seedDir, 'catalogue.json')))
    : null
  if (listed) for (const id of listed.models) await readLocalModel(seedDir, id)
  // The Worker imports the bundled page script (scripts/build-page.mjs): build it first.
  await buildPage()
  const port = opts.port ?? (await freePort())
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port)]
  const inspectorPort = await freePort()
  args.push('--inspector-port', String(inspectorPort), '--show-interactive-dev-session=false')
  if (opts.persistTo) args.push('--persist-to', opts.persistTo)
  if (opts.config) args.push('--config', opts.config)
  // ENVIRONMENT=development (as in .dev.vars) so a `vars.DEV_API_KEY` is accepted.
  const vars = { ENVIRONMENT: 'development', ...opts.vars }
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`)
  const child = spawn('node_modules/.bin/wrangler', args, {
    detached: true, // its own process group, so stop() reaches workerd too
    stdio: ['ignore', 'pipe', 'pipe'],
    // No request.cf from workers.cloudflare.com (the Worker reads none): miniflare's built-in
    // placeholder instead of a fetch that prints a stack trace when offline.
    env: {
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      FORCE_COLOR: '0',
    },
  })
  const pid = child.pid!
  let out = ''
  const onData = (d: Buffer) => {
    out += d.toString().replace(ANSI, '')
    if (opts.echo) process.stdout.write(d)
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal)
    } catch {
      /* already gone */
    }
  }
  const killOnExit = () => kill('SIGKILL')
  process.once('exit', killOnExit)
  const unwatch = opts.watchPage ? watchPage() : () => {}
  const stop = async () => {
    unwatch()
    process.off('exit', killOnExit)
    if (child.exitCode !== null) return
    kill('SIGTERM')
    const timer = setTimeout(() => kill('SIGKILL'), 3000)
    await exited
    clearTimeout(timer)
    kill('SIGKILL') // stray children of the group
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000)
  while (!/Ready on http/.test(out)) {
    const failed = /Build failed|\[ERROR\]/.test(out)
    if (failed || child.exitCode !== null || Date.now() > deadline) {
      await stop()
      const why = failed
        ? 'build failed'
        : child.exitCode !== null
          ? `exited (${child.exitCode})`
          : 'timed out'
      throw new Error(`wrangler dev ${why}:\n${out.slice(-4000)}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  const url = `http://127.0.0.1:${port}`
  let catalogue: CatalogueView | null = null
  if (listed) {
    try {
      const key = opts.vars?.DEV_API_KEY ?? devKey()
      if (!key) throw new Error('no DEV_API_KEY (.dev.vars or vars) to publish with')
      catalogue = (await seedModels(url, key, listed, seedDir)).catalogue
    } catch (err) {
      await stop()
      throw new Error(`wrangler dev: ${err instanceof Error ? err.message : err}`)
    }
  }
  return { url, port, inspectorPort, pid, catalogue, log: () => out, stop }
}
