import { z } from 'zod'
import { ManifestError } from './errors'
import { ModelManifestSchema, valueAt, type ModelManifest } from './manifest-schema'

export {
  EvalResultSchema,
  MetricNameSchema,
  ModelManifestSchema,
  type EvalResult,
  type MetricName,
  type ModelManifest,
} from './manifest-schema'

/**
 * Checks an untrusted parsed JSON value against the manifest schema and returns it typed.
 * Extra fields are kept (the input itself is returned). Throws a ManifestError whose message
 * starts with the first bad field's path, e.g. `input.height: expected a positive integer`.
 *
 * @example
 * const manifest = validateManifest(JSON.parse(text))
 */
export function validateManifest(value: unknown): ModelManifest {
  const result = ModelManifestSchema.safeParse(value)
  if (!result.success) throw manifestError(result.error.issues, value)
  // The schema has no transforms, so the input is the parsed value plus any unknown fields.
  return value as ModelManifest
}

type Path = readonly PropertyKey[]

/** The issue whose field comes first in the schema's field order, as a ManifestError. */
function manifestError(issues: readonly z.core.$ZodIssue[], value: unknown): ManifestError {
  const ranked = issues.map((issue) => ({ issue, ...locate(issue.path) }))
  // Stable: issues at the same field keep zod's order (a type error before a refinement).
  ranked.sort((a, b) => compareRanks(a.rank, b.rank))
  const { issue, cut, item } = ranked[0]!
  const field = issue.path.slice(0, cut)
  // A bad (x, y) pair in a list is reported at the list, naming the item: a pair is one value.
  const problem =
    item === undefined
      ? issue.message
      : `${issue.message}, item ${item} is ${JSON.stringify(valueAt(value, [...field, item]))}`
  return new ManifestError(formatPath(field), problem)
}

/**
 * Walks `path` through the schema: `rank` orders issues by where their field is declared, and
 * `cut` is how much of the path names the field: paths into a tuple stop at the tuple, or at the
 * list holding it (`item` is then the tuple's index in that list).
 */
function locate(path: Path): { rank: number[]; cut: number; item?: number } {
  const rank: number[] = []
  let schema = unwrap(ModelManifestSchema)
  let cut = path.length
  let item: number | undefined
  for (const [i, key] of path.entries()) {
    if (schema instanceof z.ZodObject && typeof key === 'string') {
      const keys = Object.keys(schema.shape)
      rank.push(keys.includes(key) ? keys.indexOf(key) : keys.length)
      schema = unwrap(schema.shape[key])
    } else if (typeof key === 'number') {
      rank.push(key)
      if (schema instanceof z.ZodArray) schema = unwrap(schema.element)
      else if (schema instanceof z.ZodTuple) schema = unwrap(schema.def.items[key])
      else schema = undefined
    } else {
      rank.push(Infinity)
      schema = undefined
    }
    // Entering a tuple: the field is the tuple, or the list when the tuple is one of its items.
    if (schema instanceof z.ZodTuple && cut === path.length) {
      cut = typeof key === 'number' ? i : i + 1
      if (typeof key === 'number') item = key
    }
  }
  return { rank, cut, item }
}

function unwrap(schema: unknown): z.ZodType | undefined {
  let s = schema
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap()
  return s instanceof z.ZodType ? s : undefined
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

/** `eval.results[0].accuracy`; the root itself is `(root)`. */
function formatPath(path: Path): string {
  const text = path
    .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
    .join('')
    .replace(/^\./, '')
  return text || '(root)'
}
