/** Characters of client input an error message repeats; the rest is elided. */
export const ECHO_CHARS = 64
/** Longest message an error response carries, whatever built it (a backstop for echo()). */
export const MESSAGE_CHARS = 500

/**
 * Client input as an error message repeats it: at most `max` characters, then how many more,
 * so a 60,000-character id does not come back whole.
 *
 * @example
 * echo('x'.repeat(70)) // 'xxxx…xxxx…(+6 chars)' (64 x's, then the count)
 */
export function echo(text: string, max = ECHO_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…(+${text.length - max} chars)` : text
}
