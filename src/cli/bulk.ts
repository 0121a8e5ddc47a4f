import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { CliError } from './api'
import { Bar } from './progress'

export interface BulkOptions {
  /** Lines per request (at most the API's 5,000). */
  lines: number
  /** Attempts per chunk for failures that a retry may cure (network, 5xx, 429 rate_limited). */
  attempts: number
  /** Seconds before the first retry (doubling after each). */
  backoff: number
}

/** A chunk of the file: its lines (blank ones left out) and their line numbers in the file. */
interface Chunk {
  index: number
  text: string
  fileLines: number[]
}

interface BulkAnswer {
  added: number
  rejected: { line: number; reason: string }[]
  count: number
}

const CHUNK_BYTES = 8 * 1024 * 1024 // well inside the API's 16 MiB body

/**
 * The file's non-blank lines in chunks of at most `lines` lines and CHUNK_BYTES, read as a
 * stream. Chunk boundaries depend only on the file and `lines`, so a rerun cuts the same chunks.
 */
async function* chunksOf(file: string, lines: number): AsyncGenerator<Chunk> {
  let index = 0
  let current: string[] = []
  let numbers: number[] = []
  let bytes = 0
  let n = 0
  const flush = (): Chunk => {
    const chunk = { index: index++, text: current.join('\n') + '\n', fileLines: numbers }
    ;[current, numbers, bytes] = [[], [], 0]
    return chunk
  }
  for await (const line of createInterface({
    input: createReadStream(file),
    crlfDelay: Infinity,
  })) {
    n++
    if (!line.trim()) continue
    const size = Buffer.byteLength(line) + 1
    if (current.length && (current.length >= lines || bytes + size > CHUNK_BYTES)) yield flush()
    current.push(line)
    numbers.push(n)
    bytes += size
  }
  if (current.length) yield flush()
}

/** Non-blank lines of the file (for the progress bar's total). */
async function countLines(file: string): Promise<number> {
  let n = 0
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity }))
    if (line.trim()) n++
  return n
}

/**
 * The chunk's Idempotency-Key: the same set, position and lines give the same key on every run,
 * so a chunk sent again (a rerun after a failure) is answered from the first time, not stored twice.
 */
export function chunkKey(set: string, index: number, text: string): string {
  const hash = createHash('sha256').update(`${set}\n${index}\n`).update(text).digest('hex')
  return `oneshot-bulk-${hash.slice(0, 48)}`
}

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000))

/** POSTs one chunk, retrying what a retry may cure; a refusal throws a CliError. */
async function send(
  target: { url: string; key: string },
  set: string,
  chunk: Chunk,
  opts: BulkOptions,
): Promise<{ answer: BulkAnswer; replayed: boolean }> {
  let wait = opts.backoff
  for (let attempt = 1; ; attempt++) {
    let res: Response | null = null
    let failure: string
    try {
      res = await fetch(`${target.url}/v1/sets/${encodeURIComponent(set)}/examples/bulk`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${target.key}`,
          'content-type': 'application/x-ndjson',
          'idempotency-key': chunkKey(set, chunk.index, chunk.text),
        },
        body: chunk.text,
      })
      if (res.ok)
        return {
          answer: (await res.json()) as BulkAnswer,
          replayed: res.headers.get('idempotent-replayed') === 'true',
        }
      const body = (await res.json().catch(() => null)) as {
        error?: { code?: string; message?: string }
      } | null
      failure = `${res.status} ${body?.error?.code ?? 'error'}: ${fileLine(body?.error?.message ?? '', chunk)}`
      const retryable = res.status >= 500 || body?.error?.code === 'rate_limited'
      if (!retryable) throw new CliError(failure, res.status)
      wait = Math.max(wait, Number(res.headers.get('retry-after') ?? 0))
    } catch (err) {
      if (err instanceof CliError) throw err
      failure = `cannot reach the API: ${err instanceof Error ? err.message : err}`
    }
    if (attempt >= opts.attempts) throw new CliError(failure, res?.status)
    await sleep(wait)
    wait *= 2
  }
}

/** "line N" of a chunk, as the file's line number. */
function fileLine(message: string, chunk: Chunk): string {
  return message.replace(/^line (\d+)/, (_, n) => `line ${chunk.fileLines[Number(n) - 1] ?? n}`)
}

/**
 * `oneshot bulk <set> <file.ndjson>`: uploads an NDJSON file (`npm run embed` writes one) to the
 * set's bulk route, `opts.lines` lines per request, one request at a time, each with a stable
 * Idempotency-Key. A failure stops the upload (after retries where they may help); running the
 * same command again resumes it: the chunks already stored are replayed, not stored twice.
 * Returns the exit code: 0 when every line went in, 1 when some were rejected.
 */
export async function bulkUpload(
  target: { url: string; key: string },
  set: string,
  file: string,
  opts: BulkOptions,
  log: (line: string) => void,
): Promise<number> {
  if (!existsSync(file)) throw new CliError(`bulk: no such file: ${file}`)
  const total = await countLines(file)
  if (!total) throw new CliError(`bulk: ${file} has no lines`)
  const bar = new Bar('bulk', total, opts.lines, process.stderr, 'lines')
  const rejected: { line: number; reason: string }[] = []
  let added = 0
  let replayed = 0
  let count = 0
  let chunks = 0
  try {
    for await (const chunk of chunksOf(file, opts.lines)) {
      let out
      try {
        out = await send(target, set, chunk, opts)
      } catch (err) {
        const first = chunk.fileLines[0]
        const last = chunk.fileLines[chunk.fileLines.length - 1]
        throw new CliError(
          `${err instanceof Error ? err.message : err}\n` +
            `stopped at lines ${first}-${last} of ${file} (${chunks} chunk(s) stored before); ` +
            'run the same command again to resume: stored chunks are replayed, not added twice',
          err instanceof CliError ? err.status : undefined,
        )
      }
      chunks++
      if (out.replayed) replayed++
      added += out.answer.added
      count = out.answer.count
      for (const r of out.answer.rejected)
        rejected.push({ line: chunk.fileLines[r.line - 1] ?? r.line, reason: r.reason })
      bar.add(chunk.fileLines.length, out.answer.rejected.length)
    }
  } finally {
    bar.stop()
  }
  const info = await fetch(`${target.url}/v1/sets/${encodeURIComponent(set)}`, {
    headers: { authorization: `Bearer ${target.key}` },
  })
  if (info.ok) count = ((await info.json()) as { count: number }).count
  log(
    `uploaded ${total} lines to set ${set} in ${chunks} request(s) (${replayed} replayed): ` +
      `${added} added, ${rejected.length} rejected; the set has ${count} examples`,
  )
  for (const r of rejected.slice(0, 10)) log(`  rejected line ${r.line}: ${r.reason}`)
  if (rejected.length > 10) log(`  ... and ${rejected.length - 10} more`)
  return rejected.length ? 1 : 0
}
