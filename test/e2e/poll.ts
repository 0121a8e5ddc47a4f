// Waiting for state in end-to-end tests: ask again until the answer is the one wanted, within a
// deadline, instead of sleeping a fixed time that is too long on a quiet machine and too short on a
// busy one.

export interface PollOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number
  /** Wait between probes (default 100 ms). */
  intervalMs?: number
}

/**
 * Calls `probe` until `accept` takes its value and returns that value; a probe that throws counts
 * as not yet. Past the deadline it throws, naming `what` and the last value (or error) seen.
 * @example
 * const set = await pollUntil('the import to land', () => getSet(id), (s) => s.count === 10)
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T> | T,
  accept: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 100 }: PollOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last = 'nothing yet'
  for (let attempt = 1; ; attempt++) {
    try {
      const value = await probe()
      if (accept(value)) return value
      last = `value ${describe(value)}`
    } catch (err) {
      last = `error ${err instanceof Error ? err.message : String(err)}`
    }
    if (Date.now() + intervalMs > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms (${attempt} tries) waiting for ${what}; last: ${last}`,
      )
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

const describe = (value: unknown) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text === undefined ? String(value) : text.length > 500 ? `${text.slice(0, 500)}...` : text
}
