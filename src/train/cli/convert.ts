/**
 * `npm run convert -- <name> [--out models] [--check <folder|zip>]`
 * Converts a pretrained face model shipped in @vladmandic/human (tfjs graph model) to ONNX,
 * checks onnxruntime-node against tfjs on real face photos, and writes models/<id>.onnx and the
 * provenance record models/<id>.json only when they agree within the model's tolerance.
 */
import { ArgsError, choiceFlag, intFlag, parseFlags, runCli, usage } from './args'
import type { FlagSpec } from './args'
import { convertFaceModel } from '../convert/convert-model'
import { DEFAULT_LFW_ZIP } from '../convert/check-images'
import type { ConvertHooks } from '../convert/convert-context'
import { FACE_MODEL_NAMES, FACE_MODELS, faceModel } from '../convert/face-models'
import { DLIB_FACE_MODEL_ID, writeFaceManifest } from '../convert/face-manifest'
import { ensureConverted } from '../convert/convert-model'

const SPEC = {
  out: { type: 'string', default: 'models', help: 'where to write <id>.onnx and <id>.json' },
  check: {
    type: 'string',
    help: `JPEG/PNG face photos for the parity check: a folder or a .zip (default ${DEFAULT_LFW_ZIP} when it exists, else generated images, which need --allow-generated)`,
  },
  images: { type: 'string', default: '16', help: 'how many images to check on (at least 16)' },
  backend: { type: 'string', default: 'wasm', help: 'tfjs reference backend: wasm | cpu' },
  'allow-generated': {
    type: 'boolean',
    help: 'write even if the check ran on generated images (no face photos available)',
  },
  fold: {
    type: 'string',
    default: 'yes',
    help: 'yes | no: fold batch-norm leftovers and Relu6 chains (onnx-fold.ts)',
  },
  sabotage: {
    type: 'string',
    help: 'negative control: flip-padding | perturb-weight breaks the conversion on purpose; the parity check must refuse it (exit 1, nothing written)',
  },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} satisfies Record<string, FlagSpec>
const USAGE = `${usage(`npm run convert -- <${FACE_MODEL_NAMES.join('|')}|face|face-dlib> [flags]`, SPEC)}\n\nface: blazeface and faceres (rebuilt only when missing), then the manifest models/face-faceres-blazeface-v1.json (kept for sets pinned to it)\nface-dlib: blazeface and dlib, then the served manifest models/face-dlib-blazeface-v2.json (alias face; v1 and v1-fast, the same weights with other mirror settings, are kept for sets pinned to them)\nmodels:\n${FACE_MODEL_NAMES.map((n) => `  ${n.padEnd(10)} -> ${FACE_MODELS[n].id} (${FACE_MODELS[n].file} in ${FACE_MODELS[n].package?.name ?? '@vladmandic/human'})`).join('\n')}`

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  // the model name is the one positional; parseFlags takes flags only
  const isPositional = (a: string, i: number) => !a.startsWith('-') && !isFlagValue(argv, i)
  const positional = argv.filter(isPositional)
  const f = parseFlags(
    argv.filter((a, i) => !isPositional(a, i)),
    SPEC,
  )
  if (f.help) return console.log(USAGE)
  if (positional.length !== 1)
    throw new ArgsError(`name one model (${FACE_MODEL_NAMES.join(', ')}), got ${positional.length}`)
  if (positional[0] === 'face') {
    // The serving face model: both converted models (rebuilt when missing), then its manifest.
    for (const name of ['blazeface', 'faceres'] as const)
      console.log(`${FACE_MODELS[name].id}: ${await ensureConverted(name, f.out)}`)
    const m = writeFaceManifest(f.out)
    return console.log(`wrote ${f.out}/${m.id}.json and ${f.out}/${m.file} (the embedder's bytes)`)
  }
  if (positional[0] === 'face-dlib') {
    // the candidate with dlib's descriptor: detector + dlib embedder, then its manifest
    for (const name of ['blazeface', 'dlib'] as const)
      console.log(`${FACE_MODELS[name].id}: ${(await ensureConverted(name, f.out)).status}`)
    const m = writeFaceManifest(f.out, DLIB_FACE_MODEL_ID, 'dlib')
    return console.log(`wrote ${f.out}/${m.id}.json and ${f.out}/${m.file} (the embedder's bytes)`)
  }
  let spec
  try {
    spec = faceModel(positional[0])
  } catch (e) {
    throw new ArgsError((e as Error).message)
  }
  const images = intFlag('images', f.images, 16, 1000)
  const backend = choiceFlag('backend', f.backend, ['wasm', 'cpu'] as const)
  const fold = choiceFlag('fold', f.fold, ['yes', 'no'] as const) === 'yes'
  let hooks: ConvertHooks | undefined
  if (f.sabotage) {
    const s = choiceFlag('sabotage', f.sabotage, ['flip-padding', 'perturb-weight'] as const)
    hooks =
      s === 'flip-padding'
        ? { flipSamePadding: true }
        : { perturbWeight: { name: spec.controlWeight, delta: 1e-3 } }
    console.error(`negative control: ${s}; the parity check must refuse this conversion`)
  }
  const t0 = performance.now()
  const r = await convertFaceModel(spec.name, {
    outDir: f.out,
    check: f.check,
    images,
    backend,
    allowGenerated: f['allow-generated'],
    hooks,
    fold,
  })
  const p = r.parity
  console.log(`parity images: ${r.checkImages.source}`)
  for (const o of p.outputs)
    console.log(
      `  ${o.name.padEnd(18)} max abs diff ${o.maxAbsDiff.toExponential(2)} (values up to ${o.maxAbsRef.toPrecision(4)})`,
    )
  console.log(
    `converted ${spec.name} -> ${r.onnxPath} (${r.record.bytes} bytes, sha256 ${r.record.sha256.slice(0, 12)}...); ` +
      `max abs diff ${p.maxAbsDiff.toExponential(2)}, relative ${p.maxRelDiff.toExponential(2)} <= ${spec.tolerance} on ${p.images} images ` +
      `(${r.record.parity.backend}; parity ${r.paritySeconds.toFixed(1)} s, total ${((performance.now() - t0) / 1000).toFixed(1)} s); ${r.jsonPath}`,
  )
  if (r.checkImages.kind === 'generated')
    console.error('warning: checked on generated images, not face photos (--allow-generated)')
}

/** argv[i] is the value of the string flag before it (`--out models`). */
function isFlagValue(argv: string[], i: number): boolean {
  const prev = argv[i - 1]
  if (!prev?.startsWith('--') || prev.includes('=')) return false
  const spec = (SPEC as Record<string, FlagSpec>)[prev.slice(2)]
  return spec?.type === 'string'
}

runCli(main, USAGE)
