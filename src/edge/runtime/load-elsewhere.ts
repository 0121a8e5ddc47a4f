/**
 * Waiting, in this request's own context, for a load another request started: the isolate's
 * caches (model sessions, decoded sets) load a value once for every request that needs it at
 * the same time, but a request never awaits a promise another request created. workerd cancels
 * a request that awaits a promise whose creating request ended (or was cancelled) first, and
 * delivering a settlement across contexts is a path workerd still mends (for Durable Objects).
 * So the waiter looks for the value on timers of its own until it appears, until the other load
 * is over (then it loads the value itself), or until `patienceMs` has passed.
 */
export async function awaitLoadElsewhere<T>(
  found: () => T | null | undefined,
  stillLoading: () => boolean,
  patienceMs = 30_000,
): Promise<T | null> {
  // Date.now() advances across timers in workerd (it stands still only during CPU work)
  const deadline = Date.now() + patienceMs
  for (let step = 2; ; step = Math.min(step * 2, 50)) {
    const value = found()
    if (value != null) return value
    if (!stillLoading() || Date.now() > deadline) return null
    await new Promise((resolve) => setTimeout(resolve, step))
  }
}
