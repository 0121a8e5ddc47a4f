import type { MiddlewareHandler } from 'hono'

/**
 * The phases a request can report in `Server-Timing` (plus `total`). `head`, the KV read of a
 * set's published head, is part of `snapshot` (which also fetches and decodes the segments a
 * cached copy lacks): it says when the request saw what the set's object had published.
 */
export type Phase = 'snapshot' | 'head' | 'decode' | 'detect' | 'preprocess' | 'embed' | 'search'

const ORDER: Phase[] = ['snapshot', 'head', 'decode', 'detect', 'preprocess', 'embed', 'search']

/**
 * Per-request phase times for the `Server-Timing` header. Production Workers freeze the clock
 * during CPU work (it only advances on I/O, a Spectre mitigation), so there CPU phases read 0 and
 * the figures are meaningful in local workerd only. Measured here (workerd 2026, wrangler 4.86):
 * local workerd freezes it too and ticks in whole ms (workerd#3288), so under `wrangler dev` the
 * header shows I/O time (the snapshot read) only; the same class gives µs phases in Node
 * (bench/edge/pipeline.ts), which is where the CPU phases are measured.
 */
export class ServerTiming {
  private readonly start = performance.now()
  private readonly spent = new Map<Phase, number>()

  /** Runs `run` (sync or async), adding its time to `phase`. */
  measure<T>(phase: Phase, run: () => T): T {
    const t0 = performance.now()
    const done = () => this.spent.set(phase, (this.spent.get(phase) ?? 0) + performance.now() - t0)
    const out = run()
    if (out instanceof Promise) return out.finally(done) as T
    done()
    return out
  }

  /** `decode;dur=0.120, ..., total;dur=1.900`, or null when no phase ran. */
  header(): string | null {
    if (this.spent.size === 0) return null
    const total = performance.now() - this.start
    const parts = ORDER.filter((p) => this.spent.has(p)).map((p) => entry(p, this.spent.get(p)!))
    return [...parts, entry('total', total)].join(', ')
  }
}

const entry = (name: string, ms: number) => `${name};dur=${ms.toFixed(3)}`

/**
 * Gives each request a `timing` and sends `Server-Timing` when a route measured phases. (Typed by
 * the one variable it sets, not AppEnv, so Node benchmarks can import this file.)
 */
export function serverTiming(): MiddlewareHandler<{ Variables: { timing: ServerTiming } }> {
  return async function timing(c, next) {
    const t = new ServerTiming()
    c.set('timing', t)
    await next()
    const header = t.header()
    if (header) c.res.headers.set('Server-Timing', header)
  }
}
