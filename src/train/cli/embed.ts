/**
 * `npm run embed -- --model models/<id>.json --data <folder> --out <file.ndjson>`
 * Embeds a folder of class sub-folders offline, through the exported ONNX file (onnxruntime-node)
 * and src/core's preprocessing (the Worker's own code), and writes one NDJSON line per image,
 * `{"label", "embedding", "model", "sha256"}`, for `POST /v1/sets/{id}/examples/bulk` (or
 * `oneshot bulk`). Lines hold what an add would store (`--role support`: the manifest's
 * enrolment views averaged) or what /v1/embed answers (`--role query`). A face model detects,
 * picks the largest face, aligns and embeds as the Worker does (src/core/face, as
 * `npm run eval:faces`); a photo without a face is skipped and counted, as an add refuses it.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { ModelManifest } from '../../core'
import { Bar } from '../../cli/progress'
import { DATA_HELP, loadDataset } from '../data/load'
import { listFolderClasses } from '../data/image-folder'
import type { ImageDataset } from '../data/types'
import { embedDataset, embedSupportRows } from '../eval/embedded'
import { decodePhoto, detect, embedPhoto, faceSpec, openFaceSessions } from '../eval/faces'
import { readManifest, sha256Hex } from '../export/manifest-writer'
import { ArgsError, choiceFlag, intFlag, parseFlags, runCli, usage, type FlagSpec } from './args'

const SPEC = {
  model: { type: 'string', help: 'models/<id>.json, or the .onnx next to it' },
  data: { type: 'string', help: `${DATA_HELP}; a face model takes a folder of photos` },
  out: { type: 'string', help: 'the NDJSON file to write' },
  split: { type: 'string', default: 'evaluation', help: 'Omniglot or generated split' },
  'two-level': { type: 'boolean', help: 'folder data is <group>/<class>/<image>' },
  role: {
    type: 'string',
    default: 'support',
    help: "support (what an add stores: the manifest's enrolment views averaged) or query (what /v1/embed answers)",
  },
  batch: { type: 'string', default: '256', help: 'images per ONNX run' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} satisfies Record<string, FlagSpec>
const USAGE = usage(
  'npm run embed -- --model models/<id>.json --data <folder> --out <file.ndjson> [flags]',
  SPEC,
)

/**
 * A class name as a label: two-level names (`group/class`) take ':' for the slash, which labels
 * may not contain.
 */
const labelOf = (className: string) => className.replace(/\//g, ':')

/**
 * One NDJSON line. Each value is written with 9 significant digits: the shortest text that reads
 * back to the same float32, so the stored row is exactly the computed one.
 */
function embeddingLine(label: string, embedding: Float32Array, m: ModelManifest): string {
  const values = Array.from(embedding, (v) => Number(v.toPrecision(9)))
  return JSON.stringify({ label, embedding: values, model: m.id, sha256: m.sha256 }) + '\n'
}

/** The manifest and the model bytes it pins (checked against its sha256). */
function openModel(path: string): { manifest: ModelManifest; dir: string; bytes: Uint8Array } {
  const manifestPath = path.replace(/\.onnx$/, '.json')
  if (!manifestPath.endsWith('.json'))
    throw new ArgsError(`--model: a manifest .json or its .onnx, got ${path}`)
  const manifest = readManifest(manifestPath)
  const dir = dirname(manifestPath)
  return { manifest, dir, bytes: fileWithSha(dir, manifest.file, manifest.sha256) }
}

function fileWithSha(dir: string, file: string, sha256: string): Uint8Array {
  const bytes = readFileSync(join(dir, file))
  if (sha256Hex(bytes) !== sha256)
    throw new Error(`${join(dir, file)} does not match the sha256 its manifest pins`)
  return bytes
}

/** Images [from, to) of a dataset, as a dataset of their own (pixels shared, not copied). */
function slice(ds: ImageDataset, from: number, to: number): ImageDataset {
  const px = (ds.channels ?? 1) * ds.height * ds.width
  return {
    ...ds,
    pixels: ds.pixels.subarray(from * px, to * px),
    labels: ds.labels.subarray(from, to),
  }
}

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2), SPEC)
  if (f.help) return console.log(USAGE)
  for (const k of ['model', 'data', 'out'] as const)
    if (!f[k]) throw new ArgsError(`--${k} is required`)
  const role = choiceFlag('role', f.role, ['support', 'query'] as const)
  const batch = intFlag('batch', f.batch, 1)
  const { manifest, dir, bytes } = openModel(f.model!)
  const out = openSync(f.out!, 'w')
  try {
    const written =
      manifest.kind === 'face'
        ? await embedFaces(manifest, dir, bytes, f.data!, f['two-level'], role, out)
        : await embedImages(manifest, bytes, f, role, batch, out)
    console.error(`wrote ${written} lines of ${manifest.id} (${role}) to ${f.out}`)
  } finally {
    closeSync(out)
  }
}

/** Glyphs, Omniglot or a folder of images: decoded by the dataset loader, embedded in batches. */
async function embedImages(
  manifest: ModelManifest,
  bytes: Uint8Array,
  f: { data?: string; split: string; 'two-level': boolean },
  role: 'support' | 'query',
  batch: number,
  out: number,
): Promise<number> {
  console.error(`loading ${f.data} ...`)
  const { dataset } = await loadDataset({
    data: f.data!,
    split: f.split,
    spec: manifest,
    twoLevel: f['two-level'],
  })
  const n = dataset.labels.length
  const bar = new Bar('embed', n)
  const dim = manifest.output.dim
  try {
    for (let from = 0; from < n; from += batch) {
      const part = slice(dataset, from, Math.min(n, from + batch))
      const rows =
        role === 'support'
          ? await embedSupportRows(bytes, part, manifest, batch)
          : (await embedDataset(bytes, part, batch)).embeddings
      let text = ''
      part.labels.forEach((c, i) => {
        const label = labelOf(dataset.classes[c]!.name)
        text += embeddingLine(label, rows.subarray(i * dim, (i + 1) * dim), manifest)
      })
      writeSync(out, text)
      bar.add(part.labels.length)
    }
  } finally {
    bar.stop()
  }
  return n
}

/**
 * Photos of a folder: detect, pick the largest face, align and embed (src/core/face), as a stored
 * example (with its mirror image when the manifest's alignment.mirror says so) or as a query.
 */
async function embedFaces(
  manifest: ModelManifest,
  dir: string,
  bytes: Uint8Array,
  data: string,
  twoLevel: boolean,
  role: 'support' | 'query',
  out: number,
): Promise<number> {
  const detector = manifest.detector as { file?: string; sha256: string } | undefined
  if (!detector?.file) throw new Error(`${manifest.id}: the manifest names no detector file`)
  const sessions = await openFaceSessions(fileWithSha(dir, detector.file, detector.sha256), bytes)
  const spec = faceSpec(manifest)
  const classes = listFolderClasses(data, { twoLevel })
  const bar = new Bar(
    'embed',
    classes.reduce((s, c) => s + c.files.length, 0),
  )
  let written = 0
  const skipped: string[] = []
  try {
    for (const c of classes)
      for (const file of c.files) {
        const image = decodePhoto(file.read())
        const faces = await detect(sessions, image, spec)
        if (faces.length === 0) {
          skipped.push(file.path)
          bar.add(1, 1)
          continue
        }
        const e = await embedPhoto(sessions, manifest, spec, image, faces, 'largest')
        const embedding = role === 'support' ? e.support : e.embedding
        writeSync(out, embeddingLine(labelOf(c.name), embedding, manifest))
        written++
        bar.add(1)
      }
  } finally {
    bar.stop()
  }
  if (skipped.length)
    console.error(`skipped ${skipped.length} photo(s) without a face, e.g. ${skipped[0]}`)
  return written
}

runCli(main, USAGE)
