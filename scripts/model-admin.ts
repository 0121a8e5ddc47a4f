// The Worker's admin HTTP API for the model store (src/edge/routes/admin.ts), from Node: publish,
// list, show, retire, alias, migrate. Used by `npm run models` (scripts/models.ts) and by
// scripts/wrangler-dev.ts to seed a local store from models/catalogue.json.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ModelCatalogueFile } from '../src/train/export/manifest-writer'

/** A model as the catalogue lists it (GET /admin/models). */
export interface ModelSummary {
  id: string
  sha256: string
  bytes: number
  publishedAt: string
  aliases: string[]
  /** Sets that use this model. */
  sets: number
}

/** The deployment's catalogue (GET /admin/models). */
export interface CatalogueView {
  version: number
  default: string | null
  aliases: Record<string, string>
  models: ModelSummary[]
}

/** One model with its manifest (GET /admin/models/:id). */
export type ModelDetail = ModelSummary & { manifest: Record<string, unknown> }

/** One page of a deployment-wide migration (POST /admin/migrations). */
export interface MigrationPage {
  started: number
  running: number
  current: number
  skipped: { set: string; reason: string }[]
  cursor: string | null
}

/** What a local store should serve: models/catalogue.json (written by `npm run export -- --default`). */
export type CatalogueFile = ModelCatalogueFile

/** An error answer of the API (`{"error":{"code","message"}}`), or a network failure (status 0). */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'AdminError'
  }
}

/** The `DEV_API_KEY` line of a .dev.vars file (undefined when there is none). */
export function devKey(path = '.dev.vars'): string | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
  const m = /^\s*DEV_API_KEY\s*=\s*("?)([^"\r\n]*)\1\s*$/m.exec(text)
  return m?.[2] || undefined
}

/** Reads and checks models/catalogue.json (or another path). */
export function readCatalogueFile(path = join('models', 'catalogue.json')): CatalogueFile {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<CatalogueFile>
  const models = raw.models ?? []
  const aliases = raw.aliases ?? {}
  const dflt = raw.default ?? null
  if (!Array.isArray(models) || models.some((m) => typeof m !== 'string'))
    throw new Error(`${path}: "models" must be a list of model ids`)
  for (const [name, id] of [...Object.entries(aliases), ...(dflt ? [['default', dflt]] : [])])
    if (!models.includes(id))
      throw new Error(
        `${path}: ${name === 'default' ? 'default' : `alias ${name}`} names '${id}', which "models" does not list`,
      )
  return { default: dflt, aliases, models }
}

/**
 * The manifest text and .onnx bytes of `<dir>/<id>.json` + `<dir>/<id>.onnx`, and a face model's
 * detector (`detector.file` beside them). Converted face models are not committed: when their
 * .onnx is missing it is rebuilt from the pinned package first (`npm run convert -- face`).
 */
export async function readLocalModel(
  dir: string,
  id: string,
): Promise<{ manifest: string; onnx: Uint8Array; detector?: Uint8Array }> {
  if (!existsSync(join(dir, `${id}.json`))) return readLocalFiles(dir, id) // its error names the file
  const parsed = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as {
    kind?: string
    detector?: { file?: string }
  }
  if (parsed.kind === 'face') {
    const detectorFile = parsed.detector?.file
    if (
      !existsSync(join(dir, `${id}.onnx`)) ||
      !detectorFile ||
      !existsSync(join(dir, detectorFile))
    )
      await rebuildFaceModel(dir, id)
  }
  const local = readLocalFiles(dir, id)
  const detectorFile = parsed.kind === 'face' ? parsed.detector?.file : undefined
  return detectorFile ? { ...local, detector: readFileSync(join(dir, detectorFile)) } : local
}

/**
 * Rebuilds the converted face models (deterministic: the committed records pin their bytes) and
 * the face model `id`'s .onnx from them; its committed manifest is left as it is.
 */
async function rebuildFaceModel(dir: string, id: string): Promise<void> {
  const { ensureConverted } = await import('../src/train/convert/convert-model')
  const { FACE_MODEL_NAMES } = await import('../src/train/convert/face-models')
  const { restoreFaceOnnx } = await import('../src/train/convert/face-manifest')
  for (const name of FACE_MODEL_NAMES) await ensureConverted(name, dir)
  restoreFaceOnnx(dir, id)
}

function readLocalFiles(dir: string, id: string): { manifest: string; onnx: Uint8Array } {
  const read = <T>(file: string, f: (path: string) => T): T => {
    try {
      return f(join(dir, file))
    } catch (err) {
      const code = (err as { code?: string }).code
      throw new Error(
        `cannot read ${join(dir, file)} (${code ?? err}); export the model or pass --dir`,
      )
    }
  }
  return {
    manifest: read(`${id}.json`, (p) => readFileSync(p, 'utf8')),
    onnx: read(`${id}.onnx`, (p) => readFileSync(p)),
  }
}

/** One admin call; throws AdminError with the API's message on any non-2xx answer. */
async function call<T>(
  url: string,
  key: string,
  method: string,
  path: string,
  body?: FormData | object,
): Promise<{ status: number; json: T }> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` }
  let payload: BodyInit | undefined
  if (body instanceof FormData) payload = body
  else if (body !== undefined) {
    payload = JSON.stringify(body)
    headers['content-type'] = 'application/json'
  }
  const target = `${url.replace(/\/+$/, '')}${path}`
  let res: Response
  try {
    res = await fetch(target, { method, headers, body: payload })
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    throw new AdminError(
      0,
      'unreachable',
      `cannot reach ${url}: ${cause?.code ?? cause?.message ?? String(err)}`,
    )
  }
  const text = await res.text()
  let json: unknown = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string } } | null)?.error
    throw new AdminError(
      res.status,
      e?.code ?? 'http_error',
      e?.message ?? `${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}`,
    )
  }
  return { status: res.status, json: json as T }
}

export interface PublishOptions {
  /** Aliases to point at the model (besides `default`). */
  aliases?: string[]
  /** Make it the deployment's default (the `default` alias). */
  default?: boolean
}

/** The answer to a publish: 201 created, 200 already published (aliases applied). */
export interface Published {
  created: boolean
  catalogue: CatalogueView
}

/** POST /admin/models with a manifest (text or object) and the .onnx bytes. */
export async function publishBytes(
  url: string,
  key: string,
  manifest: string | object,
  onnx: Uint8Array | ArrayBuffer,
  opts: PublishOptions & { detector?: Uint8Array } = {},
): Promise<Published> {
  const form = new FormData()
  const text = typeof manifest === 'string' ? manifest : JSON.stringify(manifest)
  const id = (JSON.parse(text) as { id?: string }).id ?? 'model'
  form.append('manifest', text)
  const bytes = onnx instanceof Uint8Array ? onnx : new Uint8Array(onnx)
  form.append('onnx', new Blob([bytes as Uint8Array<ArrayBuffer>]), `${id}.onnx`)
  if (opts.detector)
    form.append(
      'detector',
      new Blob([opts.detector as Uint8Array<ArrayBuffer>]),
      `${id}.detector.onnx`,
    )
  for (const a of opts.aliases ?? []) form.append('alias', a)
  if (opts.default) form.append('default', 'true')
  const r = await call<CatalogueView>(url, key, 'POST', '/admin/models', form)
  return { created: r.status === 201, catalogue: r.json }
}

/** Publishes `<dir>/<id>.onnx` with its manifest `<dir>/<id>.json`. */
export async function publishModel(
  url: string,
  key: string,
  dir: string,
  id: string,
  opts: PublishOptions = {},
): Promise<Published> {
  const local = await readLocalModel(dir, id)
  return publishBytes(url, key, local.manifest, local.onnx, { ...opts, detector: local.detector })
}

/** GET /admin/models. */
export async function listModels(url: string, key: string): Promise<CatalogueView> {
  return (await call<CatalogueView>(url, key, 'GET', '/admin/models')).json
}

/** GET /admin/models/:id (an id or an alias). */
export async function showModel(url: string, key: string, id: string): Promise<ModelDetail> {
  return (await call<ModelDetail>(url, key, 'GET', `/admin/models/${encodeURIComponent(id)}`)).json
}

/** DELETE /admin/models/:id; refused (409 model_in_use) while a set uses it or an alias names it. */
export async function retireModel(url: string, key: string, id: string): Promise<void> {
  await call(url, key, 'DELETE', `/admin/models/${encodeURIComponent(id)}`)
}

/** PUT /admin/aliases/:name (`default` included). */
export async function setAlias(
  url: string,
  key: string,
  name: string,
  model: string,
): Promise<CatalogueView> {
  const path = `/admin/aliases/${encodeURIComponent(name)}`
  return (await call<CatalogueView>(url, key, 'PUT', path, { model })).json
}

/** One page of POST /admin/migrations. */
export async function migratePage(
  url: string,
  key: string,
  opts: { tenant?: string; cursor?: string | null; limit?: number } = {},
): Promise<MigrationPage> {
  return (await call<MigrationPage>(url, key, 'POST', '/admin/migrations', opts)).json
}

/** Every page of POST /admin/migrations (follows the cursor), summed. */
export async function migrateAll(
  url: string,
  key: string,
  opts: { tenant?: string; limit?: number } = {},
): Promise<Omit<MigrationPage, 'cursor'>> {
  const sum = { started: 0, running: 0, current: 0, skipped: [] as MigrationPage['skipped'] }
  let cursor: string | null = null
  do {
    const page: MigrationPage = await migratePage(url, key, { ...opts, cursor })
    sum.started += page.started
    sum.running += page.running
    sum.current += page.current
    sum.skipped.push(...page.skipped)
    cursor = page.cursor
  } while (cursor)
  return sum
}

/**
 * Publishes every model `catalogue` lists from `dir`, each with the aliases that name it and
 * the default; a model already there with the same bytes is a 200 (its aliases are applied), so
 * seeding twice is harmless. Returns the catalogue after the last publish.
 */
export async function seedModels(
  url: string,
  key: string,
  catalogue: CatalogueFile,
  dir = 'models',
): Promise<{ published: string[]; present: string[]; catalogue: CatalogueView | null }> {
  const published: string[] = []
  const present: string[] = []
  let last: CatalogueView | null = null
  for (const id of catalogue.models) {
    const aliases = Object.keys(catalogue.aliases).filter((a) => catalogue.aliases[a] === id)
    try {
      const r = await publishModel(url, key, dir, id, {
        aliases,
        default: catalogue.default === id,
      })
      ;(r.created ? published : present).push(id)
      last = r.catalogue
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err)
      const hint =
        err instanceof AdminError && err.code === 'model_exists'
          ? ' (the local store holds other bytes under this id: export under a new id, or delete the local state)'
          : ''
      throw new Error(`seeding ${id} from ${dir}: ${why}${hint}`)
    }
  }
  return { published, present, catalogue: last }
}
