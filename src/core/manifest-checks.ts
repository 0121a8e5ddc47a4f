import { ManifestError } from './errors'

/** A JSON object being validated, with the dotted path that names it in errors. */
export type Obj = { value: Record<string, unknown>; path: string }

/**
 * Small typed readers for manifest validation; each throws a {@link ManifestError} naming the
 * full field path, so the first bad field is what a user sees.
 */
export function object(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ManifestError(path || '(root)', 'expected an object')
  }
  return { value: value as Record<string, unknown>, path }
}

function at(o: Obj, key: string): string {
  return o.path ? `${o.path}.${key}` : key
}

export function child(o: Obj, key: string): Obj {
  return object(o.value[key], at(o, key))
}

export function str(o: Obj, key: string): string {
  const v = o.value[key]
  if (typeof v !== 'string' || v.length === 0) {
    throw new ManifestError(at(o, key), 'expected a non-empty string')
  }
  return v
}

export function matches(o: Obj, key: string, pattern: RegExp, what: string): string {
  const v = str(o, key)
  if (!pattern.test(v)) throw new ManifestError(at(o, key), `expected ${what}`)
  return v
}

export function bool(o: Obj, key: string): boolean {
  const v = o.value[key]
  if (typeof v !== 'boolean') throw new ManifestError(at(o, key), 'expected a boolean')
  return v
}

export function num(o: Obj, key: string, min = -Infinity, max = Infinity): number {
  const v = o.value[key]
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    const range =
      min === -Infinity && max === Infinity
        ? ''
        : max === Infinity
          ? ` >= ${min}`
          : ` in [${min}, ${max}]`
    throw new ManifestError(at(o, key), `expected a finite number${range}`)
  }
  return v
}

export function int(o: Obj, key: string, min: 0 | 1): number {
  const v = o.value[key]
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    const what = min === 1 ? 'a positive integer' : 'a non-negative integer'
    throw new ManifestError(at(o, key), `expected ${what}`)
  }
  return v
}

export function oneOf<T extends string | number>(o: Obj, key: string, options: readonly T[]): T {
  const v = o.value[key]
  if (!options.includes(v as T)) {
    const list = options.map((x) => JSON.stringify(x)).join(', ')
    throw new ManifestError(at(o, key), `expected one of ${list}`)
  }
  return v as T
}

export function array(o: Obj, key: string): unknown[] {
  const v = o.value[key]
  if (!Array.isArray(v)) throw new ManifestError(at(o, key), 'expected an array')
  return v
}

export function numbers(o: Obj, key: string, length: number): number[] {
  const v = array(o, key)
  if (v.length !== length) {
    throw new ManifestError(at(o, key), `expected ${length} numbers, got ${v.length}`)
  }
  v.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new ManifestError(`${at(o, key)}[${i}]`, 'expected a finite number')
    }
  })
  return v as number[]
}

export function has(o: Obj, key: string): boolean {
  return o.value[key] !== undefined
}

export function fail(o: Obj, key: string, problem: string): never {
  throw new ManifestError(at(o, key), problem)
}
