/**
 * Reads `npm run eval -- --rows float32,int8` output back: the delta table, the top-1 agreement
 * line, and how many queries the first format's tables say were scored.
 */

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
