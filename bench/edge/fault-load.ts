// Fault and load run against `wrangler dev` on loopback (not a test: it kills processes and takes
// about two minutes): `tsx bench/edge/fault-load.ts [--adds 60] [--seconds 5]`.
// 1. Crash: a burst of single-example adds, each with its own Idempotency-Key, to one set; the
//    server's process group is SIGKILLed once a third of them are acknowledged, then restarted
//    on the same state. Checks: every acknowledged example is listed with the id it was given;
//    retrying every add with its key (acknowledged or not) leaves exactly one example per key;
//    a strong classify sees them all.
// 2. Load: classify (1 query, 20-way set) at 8, 32 and 64 connections for --seconds each, every
//    connection with its own key and tenant (so the per-key limit is not what is measured),
//    printing requests/s, p50/p99 latency and errors (by status).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256Hex } from '../../src/edge/auth/keys'
import { startWranglerDev, type DevServer } from '../../scripts/wrangler-dev'
import { b64, glyph } from '../../test/edge/fixtures/glyphs'
import { encode } from 'fast-png'
import { quantile } from './client'

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const ADDS = arg('adds', 60)
const SECONDS = arg('seconds', 5)
const CONNECTIONS = [8, 32, 64]
const KEY = 'bench-dev-key'
const tenantKeys = Array.from({ length: 64 }, (_, i) => `bench-tenant-key-${i}`)
const apiKeys = (
  await Promise.all(tenantKeys.map(async (k, i) => `bench${i}:${await sha256Hex(k)}`))
).join('\n')

const dir = mkdtempSync(join(tmpdir(), 'oneshot-fault-'))
const persistTo = join(dir, 'state')
const start = (seed: boolean) =>
  startWranglerDev({ persistTo, vars: { DEV_API_KEY: KEY, API_KEYS: apiKeys }, seed })

async function call(server: DevServer, method: string, path: string, body?: unknown, key = KEY) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json().catch(() => null)) as any }
}

const addBody = (i: number) => ({ examples: [{ label: `l${i}`, image: b64(glyph(i % 49)) }] })
const addWithKey = (server: DevServer, set: string, i: number) =>
  fetch(`${server.url}/v1/sets/${set}/examples`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${KEY}`,
      'content-type': 'application/json',
      'idempotency-key': `burst-${i}`,
    },
    body: JSON.stringify(addBody(i)),
  }).then(async (r) => ({ status: r.status, json: (await r.json()) as { ids: string[] } }))

async function listAll(server: DevServer, set: string): Promise<string[]> {
  const ids: string[] = []
  let cursor: string | null = null
  do {
    const q: string = cursor ? `&cursor=${cursor}` : ''
    const page = await call(server, 'GET', `/v1/sets/${set}/examples?limit=100${q}`)
    ids.push(...page.json.examples.map((e: { id: string }) => e.id))
    cursor = page.json.cursor
  } while (cursor)
  return ids
}

async function crash(): Promise<boolean> {
  let server = await start(true)
  const set = (await call(server, 'POST', '/v1/sets', { name: 'crash' })).json.id as string
  const acknowledged = new Map<number, string>()
  let killed = false
  // Four at a time, so the kill lands in the middle of the burst.
  let next = 0
  const worker = async () => {
    while (!killed && next < ADDS) {
      const i = next++
      const r = await addWithKey(server, set, i).catch(() => null)
      if (r?.status === 201) acknowledged.set(i, r.json.ids[0]!)
      if (!killed && acknowledged.size >= ADDS / 3) {
        killed = true
        process.kill(-server.pid, 'SIGKILL') // a crash, not a shutdown
      }
    }
  }
  await Promise.all(Array.from({ length: 4 }, worker))
  await server.stop()
  console.log(`crash: ${acknowledged.size} of ${ADDS} adds acknowledged before the kill`)
  server = await start(false)
  let ok = true
  const check = (what: string, pass: boolean) => {
    console.log(`  ${pass ? 'ok  ' : 'FAIL'} ${what}`)
    ok &&= pass
  }
  try {
    const listed = new Set(await listAll(server, set))
    const lost = [...acknowledged.values()].filter((id) => !listed.has(id))
    check(`every acknowledged example is there (${lost.length} lost)`, lost.length === 0)
    console.log(`  ${listed.size} examples stored before the retries`)
    const retries = await Promise.all(
      Array.from({ length: ADDS }, (_, i) => addWithKey(server, set, i)),
    )
    check(
      'every retry answered 201',
      retries.every((r) => r.status === 201),
    )
    const same = [...acknowledged].every(([i, id]) => retries[i]!.json.ids[0] === id)
    check('acknowledged adds replay their first answer', same)
    const after = await listAll(server, set)
    check(
      `one example per key after the retries (${after.length} for ${ADDS})`,
      after.length === ADDS,
    )
    const strong = await call(server, 'POST', `/v1/sets/${set}/classify?consistency=strong`, {
      images: [b64(glyph(0))],
      k: 50,
    })
    check('a strong classify answers over them', strong.status === 200)
  } finally {
    await server.stop()
  }
  return ok
}

/** A transparent RGBA PNG declaring width x height (a few KB). */
const bigPng = (w: number, h: number, depth: 8 | 16) =>
  b64(
    encode({
      width: w,
      height: h,
      depth,
      channels: 4,
      data: depth === 8 ? new Uint8Array(w * h * 4) : new Uint16Array(w * h * 4),
    }),
  )

/** The heavy requests: answer time, and /healthz latency while each runs. */
async function heavy(server: DevServer, set: string, key: string): Promise<void> {
  const cases: [string, string[]][] = [
    ['issue 19: 32 x 2048x2048 16-bit PNG', Array(32).fill(bigPng(2048, 2048, 16))],
    ['the budget: 2 x 2048x2048 8-bit PNG', Array(2).fill(bigPng(2048, 2048, 8))],
  ]
  console.log('\n| heavy classify | status | ms | /healthz ms meanwhile |')
  console.log('|---|---|---|---|')
  for (const [name, images] of cases) {
    const t = performance.now()
    const answer = call(server, 'POST', `/v1/sets/${set}/classify`, { images }, key)
    await new Promise((r) => setTimeout(r, 50))
    const h = performance.now()
    await fetch(`${server.url}/healthz`)
    const health = performance.now() - h
    const r = await answer
    const code = r.json?.error?.code ? ` ${r.json.error.code}` : ''
    console.log(
      `| ${name} | ${r.status}${code} | ${(performance.now() - t).toFixed(0)} | ${health.toFixed(0)} |`,
    )
  }
}

async function load(): Promise<void> {
  const server = await start(false)
  try {
    // One 20-way 1-shot set per connection's tenant.
    const sets = await Promise.all(
      tenantKeys.map(async (key) => {
        const set = (await call(server, 'POST', '/v1/sets', {}, key)).json.id as string
        const examples = Array.from({ length: 20 }, (_, i) => ({
          label: `c${i}`,
          image: b64(glyph(i)),
        }))
        for (let attempt = 0; ; attempt++) {
          const r = await call(server, 'POST', `/v1/sets/${set}/examples`, { examples }, key)
          if (r.status === 201) return set
          if (attempt === 4) throw new Error(`setup add: ${r.status} ${JSON.stringify(r.json)}`)
        }
      }),
    )
    // Warm: the first classifies of a fresh isolate load the model.
    for (const [c, set] of sets.slice(0, 4).entries())
      await call(
        server,
        'POST',
        `/v1/sets/${set}/classify`,
        { images: [b64(glyph(1))] },
        tenantKeys[c],
      )
    await heavy(server, sets[0]!, tenantKeys[0]!)
    console.log('\n| connections | requests/s | p50 ms | p99 ms | errors |')
    console.log('|---|---|---|---|---|')
    for (const n of CONNECTIONS) {
      const latencies: number[] = []
      const errors = new Map<string, number>()
      const end = Date.now() + SECONDS * 1000
      const t0 = performance.now()
      await Promise.all(
        Array.from({ length: n }, async (_, c) => {
          while (Date.now() < end) {
            const t = performance.now()
            let status: string
            try {
              const r = await call(
                server,
                'POST',
                `/v1/sets/${sets[c]}/classify?consistency=strong`,
                { images: [b64(glyph(c % 20))] },
                tenantKeys[c],
              )
              status = String(r.status)
            } catch {
              status = 'network'
            }
            if (status === '200') latencies.push(performance.now() - t)
            else errors.set(status, (errors.get(status) ?? 0) + 1)
          }
        }),
      )
      const seconds = (performance.now() - t0) / 1000
      const errText = [...errors].map(([s, k]) => `${k} x ${s}`).join(', ') || '0'
      console.log(
        `| ${n} | ${(latencies.length / seconds).toFixed(1)} | ${quantile(latencies, 0.5).toFixed(0)} | ${quantile(latencies, 0.99).toFixed(0)} | ${errText} |`,
      )
    }
  } finally {
    await server.stop()
  }
}

try {
  const ok = await crash()
  await load()
  if (!ok) process.exitCode = 1
} finally {
  rmSync(dir, { recursive: true, force: true })
}
