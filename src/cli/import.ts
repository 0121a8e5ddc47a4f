import { createHash } from 'node:crypto'
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { withJson } from '../edge/client'
import { LIMITS } from '../edge/limits'
import { CliError, ok, type Api, type CreatedSet } from './api'
import { batches, labelledImages, pool, type ImageFile } from './files'
import { Bar } from './progress'

/** What `import --retry` reads back: the set and the files that failed, with why. */
export interface FailureFile {
  set: string
  folder: string
  failed: { path: string; label: string; error: string }[]
}

export interface ImportOptions {
  set?: string
  name?: string
  model?: string
  /** A failure file from an earlier run: import only its files (into its set unless `set`). */
  retry?: string
  /** Where to write the failures (default oneshot-failures.json). */
  failures: string
  concurrency: number
}

export interface Item {
  path: string
  label: string
  bytes: number
  /** Last modification, ms (0 when the file is gone): part of the batch's Idempotency-Key. */
  mtime: number
}

/**
 * The Idempotency-Key of adding `batch` to `set`: a hash of the set, and each file's label,
 * absolute path, size and modification time. A batch sent again (a retry after a lost answer, an
 * import run again or resumed) carries the same key, so the API answers it with its first answer
 * instead of storing the images twice; a changed file makes a new key. A file first sent in one
 * batch and later in another (other files around it) is not recognised: the keys are per batch.
 * @example batchKey('set_abc', [{ path: 'a/1.png', label: 'a', bytes: 812, mtime: 1.7e12 }])
 */
export function batchKey(set: string, batch: Item[]): string {
  const hash = createHash('sha256').update(set)
  for (const f of batch) hash.update(`\0${f.label}\0${resolve(f.path)}\0${f.bytes}\0${f.mtime}`)
  return `oneshot-import-${hash.digest('hex')}`
}

const BATCH_BYTES = 10 * 1024 * 1024 // files' bytes: base64 (4/3) stays under the 16 MiB body

/**
 * `oneshot import <folder>`: every image of a class sub-folder becomes an example labelled with
 * the sub-folder's name, in batches of up to 32 images, `concurrency` requests in flight. A batch
 * the API refuses is retried one image at a time, so one bad file fails alone. Returns the exit
 * code: 0 when every file went in, 1 when some failed (listed in `opts.failures` for `--retry`).
 */
export async function importFolder(
  api: Api,
  folder: string | undefined,
  opts: ImportOptions,
  log: (line: string) => void,
): Promise<number> {
  let files: ImageFile[]
  let set = opts.set
  if (opts.retry) {
    const prev = JSON.parse(readFileSync(opts.retry, 'utf8')) as FailureFile
    files = prev.failed
    set ??= prev.set
    folder ??= prev.folder
  } else {
    if (!folder) throw new CliError('import: give a folder (or --retry <failures.json>)')
    if (!existsSync(folder) || !statSync(folder).isDirectory())
      throw new CliError(`import: ${folder} is not a folder`)
    const found = labelledImages(folder)
    if (found.loose.length)
      log(
        `skipped ${found.loose.length} image(s) outside class sub-folders, e.g. ${found.loose[0]}`,
      )
    files = found.files
  }
  if (!files.length) throw new CliError(`import: no PNG or JPEG in class sub-folders of ${folder}`)
  if (!set) {
    const name = opts.name ?? basename(resolve(folder!))
    const created = (await ok(
      api.v1.sets.$post({ json: { name, model: opts.model } }),
    )) as CreatedSet
    set = created.id
    log(`created set ${set} (${name})`)
  } else await ok(api.v1.sets[':id'].$get({ param: { id: set } })) // fails early on a wrong id

  const id = set
  const items = files.map((f): Item => {
    const stat = existsSync(f.path) ? statSync(f.path) : null
    return { path: f.path, label: f.label!, bytes: stat?.size ?? 0, mtime: stat?.mtimeMs ?? 0 }
  })
  const failed: FailureFile['failed'] = []
  let replayed = 0
  const bar = new Bar('import', items.length)
  const send = async (batch: Item[]) => {
    const examples = batch.map((f) => ({
      label: f.label,
      image: readFileSync(f.path).toString('base64'),
    }))
    const args = withJson({ param: { id }, query: {} }, 'examples', { examples })
    const headers = { 'Idempotency-Key': batchKey(id, batch) }
    const call = api.v1.sets[':id'].examples.$post(args, { headers })
    await ok(call)
    if ((await call).headers.get('idempotent-replayed') === 'true') replayed += batch.length
  }
  const fatal = (err: unknown) => err instanceof CliError && [401, 403, 404].includes(err.status!)
  try {
    await pool(
      batches(items, LIMITS.imagesPerRequest, BATCH_BYTES),
      opts.concurrency,
      async (b) => {
        try {
          await send(b)
          return bar.add(b.length)
        } catch (err) {
          if (fatal(err)) throw err
          if (b.length === 1) {
            failed.push({ path: b[0]!.path, label: b[0]!.label, error: message(err) })
            return bar.add(1, 1)
          }
        }
        for (const item of b)
          try {
            await send([item])
            bar.add(1)
          } catch (err) {
            if (fatal(err)) throw err
            failed.push({ path: item.path, label: item.label, error: message(err) })
            bar.add(1, 1)
          }
      },
    )
  } finally {
    bar.stop()
  }
  const info = await ok(api.v1.sets[':id'].$get({ param: { id } }))
  const okCount = items.length - failed.length
  const again = replayed ? `, ${replayed} already there (sent before: not stored twice)` : ''
  log(
    `imported ${okCount} of ${items.length} images into set ${set}: ${failed.length} failed${again}; ` +
      `the set has ${info.count} examples, ${info.labels.length} labels`,
  )
  if (failed.length) {
    const out: FailureFile = { set: id, folder: folder ?? '', failed }
    writeFileSync(opts.failures, JSON.stringify(out, null, 2) + '\n')
    for (const f of failed.slice(0, 5)) log(`  failed: ${f.path}: ${f.error}`)
    log(`failures written to ${opts.failures}; run \`oneshot import --retry ${opts.failures}\``)
    return 1
  }
  if (opts.retry) rmSync(opts.retry, { force: true })
  return 0
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err))
