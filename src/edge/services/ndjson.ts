import { ApiError } from '../errors'

/** One line of an NDJSON body: its 1-based number and its text (without the line break). */
export interface NumberedLine {
  line: number
  text: string
}

/**
 * The lines of a streamed body, decoded as UTF-8 as the bytes arrive: only the line being read
 * is held as text, never the whole body. Blank lines are skipped (their numbers still count).
 * Over `maxBytes` in all is 413 `payload_too_large`; one line over `maxLineChars` is 413
 * `line_too_large`, naming it.
 *
 * @example for await (const { line, text } of ndjsonLines(c.req.raw.body, 16 << 20, 8 << 20)) ...
 */
export async function* ndjsonLines(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  maxLineChars: number,
): AsyncGenerator<NumberedLine> {
  if (!body) return
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let bytes = 0
  let pending = ''
  let line = 0
  const tooLong = () =>
    new ApiError(413, 'line_too_large', `line ${line + 1}: longer than ${maxLineChars} characters`)
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (value) {
        bytes += value.byteLength
        if (bytes > maxBytes)
          throw new ApiError(
            413,
            'payload_too_large',
            `request body is larger than ${maxBytes} bytes`,
          )
      }
      pending += done ? decoder.decode() : decoder.decode(value, { stream: true })
      let start = 0
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n', start)) {
        line++
        const text = pending.slice(start, end).replace(/\r$/, '')
        start = end + 1
        if (text.length > maxLineChars) throw tooLong()
        if (text.trim()) yield { line, text }
      }
      pending = pending.slice(start)
      if (pending.length > maxLineChars) throw tooLong()
      if (done) break
    }
    if (pending.trim()) yield { line: line + 1, text: pending.replace(/\r$/, '') }
  } finally {
    reader.releaseLock()
  }
}
