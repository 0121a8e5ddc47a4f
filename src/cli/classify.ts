import { existsSync, readFileSync } from 'node:fs'
import { withJson } from '../edge/client'
import { LIMITS } from '../edge/limits'
import { CliError, ok, type Api } from './api'
import { batches, imagesOf, pool, shown } from './files'
import { Bar } from './progress'

export type Format = 'table' | 'csv' | 'json'

/** One classified file as printed. */
export interface Row {
  file: string
  label: string | null
  unknown: boolean
  distance: number | null
  similarity?: number | null
  top: { label: string; distance: number }[]
}

const b64 = (path: string) => readFileSync(path).toString('base64')
const exists = (path: string) => {
  if (!existsSync(path)) throw new CliError(`no such file or folder: ${path}`)
}

/**
 * `oneshot classify <image|folder> --set id`: every image, 32 per request, `concurrency` requests
 * in flight; rows in path order.
 */
export async function classify(
  api: Api,
  target: string,
  opts: { set: string; k: number; concurrency: number; consistency?: 'strong' | 'eventual' },
): Promise<Row[]> {
  exists(target)
  const files = imagesOf(target)
  if (!files.length) throw new CliError(`classify: no PNG or JPEG in ${target}`)
  const items = files.map((path, i) => ({ path, i, bytes: readFileSync(path).length }))
  const rows: Row[] = new Array(files.length)
  const bar = files.length > 1 ? new Bar('classify', files.length) : null
  try {
    await pool(
      batches(items, LIMITS.imagesPerRequest, 10 * 1024 * 1024),
      opts.concurrency,
      async (b) => {
        const res = await ok(
          api.v1.sets[':id'].classify.$post(
            withJson(
              { param: { id: opts.set }, query: { consistency: opts.consistency } },
              'classify',
              {
                images: b.map((f) => b64(f.path)),
                k: opts.k,
              },
            ),
          ),
        )
        res.results.forEach((r, j) => {
          const f = b[j]!
          rows[f.i] = {
            file: shown(f.path, target),
            label: r.label,
            unknown: r.unknown,
            distance: r.distance,
            similarity: r.similarity,
            top: r.top,
          }
        })
        bar?.add(b.length)
      },
    )
  } finally {
    bar?.stop()
  }
  return rows
}

const num = (v: number | null | undefined, digits: number) =>
  v === null || v === undefined ? '' : v.toFixed(digits)
const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

/**
 * Rows as a table, CSV (`file,label,unknown,distance,similarity,top`, top as `label:distance`
 * joined by `;`) or JSON (an array).
 */
export function formatRows(rows: Row[], format: Format): string {
  if (format === 'json') return JSON.stringify(rows, null, 2)
  const cells = rows.map((r) => [
    r.file,
    r.label ?? '',
    r.unknown ? 'yes' : 'no',
    num(r.distance, 4),
    num(r.similarity, 1),
    r.top.map((t) => `${t.label}:${t.distance.toFixed(4)}`).join(';'),
  ])
  const head = ['file', 'label', 'unknown', 'distance', 'similarity', 'top']
  if (format === 'csv') return [head, ...cells].map((c) => c.map(csvCell).join(',')).join('\n')
  const table = [head.slice(0, 5), ...cells.map((c) => c.slice(0, 5))]
  const widths = head.slice(0, 5).map((_, i) => Math.max(...table.map((c) => c[i]!.length)))
  return table
    .map((c) =>
      c
        .map((s, i) => s.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/** `oneshot verify <a> <b>`: whether two images show the same thing, as one line. */
export async function verify(api: Api, a: string, b: string, model?: string) {
  exists(a)
  exists(b)
  const r = await ok(
    api.v1.verify.$post(withJson({ query: {} }, 'verify', { a: b64(a), b: b64(b), model })),
  )
  const sim = r.similarity === undefined ? '' : `, similarity ${r.similarity.toFixed(1)}`
  return (
    `${r.same ? 'same' : 'different'}: distance ${r.distance.toFixed(4)} ` +
    `(threshold ${r.threshold.toFixed(4)}${sim}, model ${r.model})`
  )
}
