/**
 * A small flag parser for the train/eval/export CLIs on node:util parseArgs: strict (unknown
 * flags and stray positionals are errors), and every error names the flag it is about.
 */
import { parseArgs } from 'node:util'

/** A bad command line; CLIs print its message and the usage, and exit 2. */
export class ArgsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ArgsError'
  }
}

/** One flag: a string value or a boolean switch. */
export type FlagSpec =
  | { type: 'string'; default?: string; short?: string; help: string }
  | { type: 'boolean'; short?: string; help: string }

type Values<S extends Record<string, FlagSpec>> = {
  [K in keyof S]: S[K] extends { type: 'boolean' }
    ? boolean
    : S[K] extends { default: string }
      ? string
      : string | undefined
}

/**
 * Parses `argv` (without node and script) against `spec`; `required` flags must be present.
 * @example
 * const spec = { model: { type: 'string', help: 'a .onnx file' } } as const
 * const f = parseFlags(process.argv.slice(2), spec, ['model'])
 */
export function parseFlags<S extends Record<string, FlagSpec>>(
  argv: string[],
  spec: S,
  required: (keyof S & string)[] = [],
): Values<S> {
  const options = Object.fromEntries(
    Object.entries(spec).map(([k, s]) => [
      k,
      { type: s.type, ...(s.short ? { short: s.short } : {}) },
    ]),
  )
  let values: Record<string, string | boolean | undefined>
  try {
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false })
    values = parsed.values as Record<string, string | boolean | undefined>
  } catch (e) {
    throw new ArgsError(explainParseError(e))
  }
  for (const k of required)
    if (values[k] === undefined || values[k] === '') throw new ArgsError(`--${k} is required`)
  const out: Record<string, string | boolean | undefined> = {}
  for (const [k, s] of Object.entries(spec))
    out[k] = s.type === 'boolean' ? values[k] === true : ((values[k] as string) ?? s.default)
  return out as Values<S>
}

// parseArgs's messages are good but long; keep the flag name and say what to do.
function explainParseError(e: unknown): string {
  const err = e as { code?: string; message?: string }
  const msg = err.message ?? String(e)
  const flag = /'(-{1,2}[^' ]+)/.exec(msg)?.[1]
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown flag ${flag ?? msg}`
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return flag ? `${flag}: ${/argument missing/.test(msg) ? 'needs a value' : 'bad value'}` : msg
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument: ${msg}`
  return msg
}

/** An integer flag value in [min, max]. */
export function intFlag(
  flag: string,
  value: string,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = Number(value)
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new ArgsError(`--${flag}: expected an integer ${range(min, max)}, got "${value}"`)
  return n
}

/** A number flag value in [min, max]. */
export function numberFlag(flag: string, value: string, min = -Infinity, max = Infinity): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new ArgsError(`--${flag}: expected a number ${range(min, max)}, got "${value}"`)
  return n
}

const range = (min: number, max: number) =>
  max >= Number.MAX_SAFE_INTEGER
    ? `≥ ${min}`
    : min <= -Infinity
      ? `≤ ${max}`
      : `in [${min}, ${max}]`

/** A comma-separated list of integers, e.g. `--ways 5,20`. */
export function intListFlag(flag: string, value: string, min = 1): number[] {
  const parts = value.split(',').map((s) => s.trim())
  if (parts.some((p) => p === '')) throw new ArgsError(`--${flag}: empty item in "${value}"`)
  return parts.map((p) => intFlag(flag, p, min))
}

/** A comma-separated list of choices; `aliases` map short spellings to choices. */
export function choiceListFlag<T extends string>(
  flag: string,
  value: string,
  choices: readonly T[],
  aliases: Record<string, T> = {},
): T[] {
  return value.split(',').map((raw) => {
    const s = raw.trim()
    const c = aliases[s] ?? (choices as readonly string[]).find((x) => x === s)
    if (!c) {
      const all = [...choices, ...Object.keys(aliases)].join(', ')
      throw new ArgsError(`--${flag}: unknown value "${s}" (one of: ${all})`)
    }
    return c as T
  })
}

/** One choice, e.g. `--normalize yes`. */
export function choiceFlag<T extends string>(
  flag: string,
  value: string,
  choices: readonly T[],
): T {
  if (!(choices as readonly string[]).includes(value))
    throw new ArgsError(`--${flag}: expected one of ${choices.join(', ')}, got "${value}"`)
  return value as T
}

/** Usage text: the command line, then one line per flag. */
export function usage(command: string, spec: Record<string, FlagSpec>): string {
  const rows = Object.entries(spec).map(([k, s]) => {
    const name = `--${k}${s.type === 'string' ? ' <value>' : ''}`
    const def = s.type === 'string' && s.default !== undefined ? ` (default ${s.default})` : ''
    return `  ${name.padEnd(26)} ${s.help}${def}`
  })
  return [`usage: ${command}`, ...rows].join('\n')
}

/**
 * Runs a CLI's main: an ArgsError prints the message and usage and exits 2, any other error
 * prints its message and exits 1.
 */
export function runCli(main: () => Promise<void>, usageText: string): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      if (e instanceof ArgsError) {
        console.error(`error: ${e.message}\n\n${usageText}`)
        process.exit(2)
      }
      console.error(`error: ${e instanceof Error ? e.message : String(e)}`)
      if (process.env.DEBUG && e instanceof Error) console.error(e.stack)
      process.exit(1)
    },
  )
}
