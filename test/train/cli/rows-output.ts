/**
 * Reads `npm run eval -- --rows float32,int8` output back: the delta table, the top-1 agreement
 * line, and how many queries the first format's tables say were scored.
 */
import { expect } from 'vitest'

/**
 * What both int8 tests require of that output: the model works (float32 above `minFloat32` in
 * every setting), int8 scores each setting within issue 21's 0.1 point, and its top-1 class is
 * float32's for at least 99.5% of all the queries scored. Answers the settings found.
 */
export function expectInt8AgreesWithFloat32(out: string, minFloat32: number) {
  const rows = rowsDelta(out)
  for (const { setting, float32, int8, delta } of rows) {
    expect(float32, setting).toBeGreaterThan(minFloat32)
    expect(Math.abs(delta), setting).toBeLessThan(0.1)
    expect(Math.abs(int8 - float32), setting).toBeLessThan(0.1 + 0.01)
  }
  const agreement = top1Agreement(out)
  expect(agreement, 'the top-1 agreement line').not.toBeNull()
  expect(agreement!.queries).toBe(queriesScored(out))
  expect(agreement!.same / agreement!.queries).toBeGreaterThanOrEqual(0.995)
  return rows
}

/** The delta table's settings: `| all-alphabets 5-way 1-shot | 98.04 | 98.03 | -0.011 |`. */
export function rowsDelta(out: string) {
  const re = /^\| (\S+ \d+-way \d+-shot) \| ([\d.]+) \| ([\d.]+) \| (-?[\d.]+) \|$/gm
  return [...out.matchAll(re)].map(([, setting, f32, i8, delta]) => ({
    setting: setting!,
    float32: Number(f32),
    int8: Number(i8),
    delta: Number(delta),
  }))
}

/** `top-1 agreement, int8 vs float32: X of N queries (P%)`, or null when it is missing. */
export function top1Agreement(out: string): { same: number; queries: number } | null {
  const m = /^top-1 agreement, int8 vs float32: (\d+) of (\d+) queries \([\d.]+%\)$/m.exec(out)
  return m && { same: Number(m[1]), queries: Number(m[2]) }
}

/**
 * Queries scored under the first row format: ways x queries/class x episodes summed over the
 * rows of its results table (`| split | protocol | ways | shots | queries/class | episodes | ...`).
 */
export function queriesScored(out: string): number {
  const first = out.split('Stored rows: int8')[0]!
  const re = /^\| \S+ \| \S+ \| (\d+) \| \d+ \| (\d+) \| (\d+) \| [\d.]+% \|/gm
  return [...first.matchAll(re)].reduce(
    (n, [, w, q, e]) => n + Number(w) * Number(q) * Number(e),
    0,
  )
}
