/**
 * `npm run eval:faces -- --model models/<id>.json [--lfw <dir>] [--split dev-test] [...]`
 * Face verification on LFW's development pairs through the exported ONNX files (detector and
 * embedder) and src/core's face pipeline: 10-fold accuracy ± sd, ROC AUC, TAR at FAR 1% / 0.1%.
 * `--template-scales 0.8,1` scores several alignment crops in one run (trials on dev-train);
 * `--write-manifest` stores the dev-test figures and a threshold calibrated on dev-train at
 * `--far` in the manifest. Every pair evaluation also writes `index.html` (`--report <dir>`,
 * default runs/faces-<model id>-<split>/): the table, the ROC curve and the worst false accepts
 * and rejects at the manifest's threshold, as photos and aligned crops. LFW is research data:
 * evaluate and calibrate on it, never train on it; the report (its crops) stays under runs/.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import {
  type DetectedFace,
  type FaceSpec,
  type MirrorMode,
  type ModelManifest,
  type Point,
  type RawImage,
} from '../../core'
import {
  defaultLfwDir,
  listLfwPhotos,
  readLfwPairs,
  readLfwPhotos,
  type LfwPair,
  type LfwSplit,
} from '../data/lfw'
import { openSet, type OpenSetInput } from '../eval/open-set'
import { writeFaceReport } from '../eval/face-report'
import {
  decodePhoto,
  detect,
  embedderInput,
  embedPhoto,
  faceSpec,
  openFaceSessions,
  pairDistance,
  scorePairs,
  type FacePick,
  type LfwReport,
  storedAs,
  type PhotoEmbedding,
} from '../eval/faces'
import type { StoredRows } from '../eval/episodes'
import { thresholdAtFar } from '../eval/metrics'
import { readManifest, rewriteManifest, sha256Hex } from '../export/manifest-writer'
import {
  ArgsError,
  choiceFlag,
  choiceListFlag,
  numberFlag,
  parseFlags,
  runCli,
  usage,
  type FlagSpec,
} from './args'

const SPEC = {
  model: { type: 'string', help: 'models/<id>.json: a face manifest (kind "face")' },
  lfw: {
    type: 'string',
    help: 'LFW folder (lfw-dev.zip, pairs-dev-*.txt); default ../shared/data/lfw',
  },
  split: {
    type: 'string',
    default: 'dev-test',
    help: 'dev-test (1,000 pairs), dev-train (2,200), dev (all 3,200 as one 10-fold run) or all (the three)',
  },
  pick: {
    type: 'string',
    default: 'central',
    help: "central (LFW's subject) or largest (the API's)",
  },
  'template-scales': {
    type: 'string',
    default: '1',
    help: 'alignment trials: the template scaled about the crop centre, comma-separated',
  },
  mirror: {
    type: 'string',
    help: "average faces with their mirror image: on (every face), supports (stored examples, and verify's a), off, or both / all (trials: off and on / off, supports and on); default: the manifest's alignment.mirror",
  },
  align: {
    type: 'string',
    default: 'keypoints',
    help: "keypoints (the manifest's template) or box (trial: the detector's box, 1.4x, no rotation)",
  },
  far: {
    type: 'string',
    default: '0.01',
    help: 'target false-accept rate of the calibrated threshold',
  },
  limit: { type: 'string', help: 'score only the first N pairs of each split (quick looks)' },
  'write-manifest': { type: 'boolean', help: 'store dev-test figures and the dev-train threshold' },
  report: {
    type: 'string',
    help: 'folder for index.html: summary, ROC, worst false accepts/rejects at the manifest threshold (default runs/faces-<model id>-<split>)',
  },
  rows: {
    type: 'string',
    default: 'float32',
    help: "stored examples (verify's a, the gallery) as float32, int8 (as Worker snapshots keep them), or float32,int8 (both, same embeddings)",
  },
  identification: {
    type: 'boolean',
    help: 'open-set identification over every photo of the zip instead of pairs (one enrolled photo per person with 2+)',
  },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} satisfies Record<string, FlagSpec>
const USAGE = usage('npm run eval:faces -- --model models/<id>.json [flags]', SPEC)

/** The template scaled by `s` about the crop centre (s < 1: the face fills less of the crop). */
function scaledTemplate(m: ModelManifest, s: number): Point[] {
  const [w, h] = m.alignment!.size
  return m.alignment!.template.map(
    ([x, y]): Point => [w / 2 + (x - w / 2) * s, h / 2 + (y - h / 2) * s],
  )
}

/** Reads a model file next to the manifest and checks it against the sha256 the manifest pins. */
function modelBytes(dir: string, file: string, sha256: string): Uint8Array {
  const bytes = readFileSync(join(dir, file))
  if (sha256Hex(bytes) !== sha256)
    throw new Error(`${join(dir, file)} does not match its sha256 (run npm run convert)`)
  return bytes
}

/** A plain progress line every `every` items (logs, CI) with the rate and time left. */
function progress(label: string, total: number, every = 250) {
  const t0 = Date.now()
  return (done: number) => {
    if (done % every && done !== total) return
    const rate = done / Math.max((Date.now() - t0) / 1000, 1e-3)
    console.error(
      `${label}: ${done}/${total} (${rate.toFixed(1)}/s, ${((total - done) / rate).toFixed(0)} s left)`,
    )
  }
}

/**
 * "X of N pairs": how many pairs `a` and `b` (two ways of storing the examples) accept or reject
 * alike at the manifest's threshold, as /v1/verify decides (distance <= threshold).
 */
function decisions(
  list: LfwPair[],
  a: Map<string, PhotoEmbedding>,
  b: Map<string, PhotoEmbedding>,
  manifest: ModelManifest,
): string {
  const accepts = (m: Map<string, PhotoEmbedding>, p: LfwPair) =>
    pairDistance(manifest.metric, m, p) <= manifest.threshold.distance
  const same = list.filter((p) => accepts(a, p) === accepts(b, p)).length
  return `${same} of ${list.length} pairs`
}

/** A pairs file, or 'dev': both files as one list (LFW's 10-fold protocol over all 3,200). */
type PairSplit = LfwSplit | 'dev'
const pairsOf = (lfw: string, s: PairSplit): LfwPair[] =>
  s === 'dev'
    ? [...readLfwPairs(lfw, 'dev-train'), ...readLfwPairs(lfw, 'dev-test')]
    : readLfwPairs(lfw, s)

const pct = (x: number) => (100 * x).toFixed(2)
const mirrorNote = (m: MirrorMode) =>
  m === true ? ' + mirror' : m === 'supports' ? ' + mirror (supports)' : ''
const row = (name: string, r: LfwReport) =>
  `| ${name} | ${r.pairs} | ${pct(r.tenFold.accuracy)} ± ${pct(r.tenFold.sd)} | ${r.auc.toFixed(4)} | ${pct(r.eer)} | ` +
  `${r.tarAtFar.map((t) => pct(t.tar)).join(' / ')} | ${r.fallbacks}/${r.photos} |`

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2), SPEC)
  if (f.help) return console.log(USAGE)
  if (!f.model?.endsWith('.json')) throw new ArgsError('--model: a face manifest models/<id>.json')
  const lfw = f.lfw ?? defaultLfwDir()
  if (!lfw) throw new ArgsError('--lfw: no LFW folder given and none at ../shared/data/lfw')
  const split = choiceFlag('split', f.split, ['dev-train', 'dev-test', 'dev', 'all'] as const)
  const pick = choiceFlag('pick', f.pick, ['central', 'largest'] as const) as FacePick
  const scales = f['template-scales']
    .split(',')
    .map((s) => numberFlag('template-scales', s, 0.2, 3))
  const far = numberFlag('far', f.far, 0, 1)
  const align = choiceFlag('align', f.align, ['keypoints', 'box'] as const)
  const mirrorFlag =
    f.mirror && choiceFlag('mirror', f.mirror, ['off', 'on', 'supports', 'both', 'all'] as const)
  const limit = f.limit === undefined ? Infinity : numberFlag('limit', f.limit, 1)
  const rowFormats = choiceListFlag<StoredRows>('rows', f.rows, ['float32', 'int8'])

  const manifest = readManifest(f.model)
  const spec = faceSpec(manifest)
  const mirrors: MirrorMode[] = !mirrorFlag
    ? [spec.alignment.mirror]
    : mirrorFlag === 'both'
      ? [false, true]
      : mirrorFlag === 'all'
        ? [false, 'supports', true]
        : [mirrorFlag === 'supports' ? 'supports' : mirrorFlag === 'on']
  const dir = dirname(f.model)
  const detectorFile = (manifest.detector as { file?: string }).file
  if (!detectorFile) throw new Error(`${f.model}: detector.file is missing`)
  const sessions = await openFaceSessions(
    modelBytes(dir, detectorFile, manifest.detector!.sha256),
    modelBytes(dir, manifest.file, manifest.sha256),
  )
  if (f.identification) return identification(lfw, manifest, spec, sessions, pick, rowFormats)
  const splits: PairSplit[] =
    split === 'all' || f['write-manifest'] ? ['dev-train', 'dev-test', 'dev'] : [split]
  const pairs = new Map<PairSplit, LfwPair[]>(
    splits.map((s) => [s, pairsOf(lfw, s).slice(0, limit)]),
  )
  const names = new Set([...pairs.values()].flat().flatMap((p) => [p.a, p.b]))
  console.error(`${names.size} photos (${splits.join(', ')})`)

  const photos = readLfwPhotos(lfw, names)
  const decoded = new Map<string, { image: RawImage; faces: DetectedFace[] }>()
  const step = progress('detect', names.size)
  for (const name of names) {
    const image = decodePhoto(photos.get(name)!)
    decoded.set(name, { image, faces: await detect(sessions, image, spec) })
    step(decoded.size)
  }

  const table: string[] = [] // printed, and the report's summary
  const print = (line: string) => (console.log(line), table.push(line))
  print(
    `\nLFW development pairs, ${manifest.id}, face: ${pick}; 10-fold accuracy (mean ± sd over folds)\n`,
  )
  print(
    '| alignment | pairs | accuracy % | ROC AUC | EER % | TAR % at FAR 1% / 0.1% | photos without a face |',
  )
  print('|---|---|---|---|---|---|---|')
  const results: {
    scale: number
    split: PairSplit
    report: LfwReport
    embeddings: Map<string, PhotoEmbedding>
    spec: typeof spec
  }[] = []
  const agreement: string[] = [] // per trial and split, when several row formats are scored
  for (const scale of scales)
    for (const mirror of mirrors) {
      const trial = {
        ...spec,
        alignment: { ...spec.alignment, template: scaledTemplate(manifest, scale), mirror },
      }
      const embeddings = new Map<string, PhotoEmbedding>()
      const tick = progress(`embed (template x${scale}${mirrorNote(mirror)})`, names.size)
      for (const [name, { image, faces }] of decoded) {
        embeddings.set(name, await embedPhoto(sessions, manifest, trial, image, faces, pick, align))
        tick(embeddings.size)
      }
      const how = `${align === 'box' ? 'box x1.4' : `template x${scale}`}${mirrorNote(mirror)}`
      const storedBy = rowFormats.map(
        (rows) => new Map([...embeddings].map(([k, e]) => [k, storedAs(rows, e)])),
      )
      for (const [i, rows] of rowFormats.entries()) {
        const stored = storedBy[i]!
        for (const s of splits) {
          const report = scorePairs(pairs.get(s)!, stored, manifest.metric)
          results.push({ scale, split: s, report, embeddings: stored, spec: trial })
          const kept = rowFormats.length > 1 ? `, ${rows} rows` : ''
          print(row(`${how}${kept}, ${s}`, report))
          if (i > 0)
            agreement.push(
              `${how}, ${s}: ${decisions(pairs.get(s)!, storedBy[0]!, stored, manifest)}`,
            )
        }
      }
    }
  if (agreement.length) {
    // what a verify call answers, pair by pair, against the first format's answer
    const t = manifest.threshold.distance.toFixed(4)
    console.log(
      `\nSame decision at the manifest's threshold (${t}), ${rowFormats.slice(1).join(', ')} vs ${rowFormats[0]}:`,
    )
    for (const line of agreement) console.log(`- ${line}`)
  }

  const at = f.report ?? join('runs', `faces-${manifest.id}-${split}`)
  const o = { manifest, pairs, results, decoded, table, pick, align }
  console.error(`report: ${failureReport(at, o)}`)

  if (f['write-manifest']) {
    if (scales.length !== 1)
      throw new ArgsError('--write-manifest: give one --template-scales value')
    if (mirrors.length !== 1)
      throw new ArgsError('--write-manifest: give --mirror on, supports or off')
    if (rowFormats.length !== 1) throw new ArgsError('--write-manifest: give one --rows value')
    const train = results.find((r) => r.split === 'dev-train')!
    const test = results.find((r) => r.split === 'dev-test')!
    const trainPairs = pairs.get('dev-train')!
    const scored = trainPairs.map((p) => ({
      p,
      d: pairDistance(manifest.metric, train.embeddings, p),
    }))
    const same = scored.filter((x) => x.p.same).map((x) => x.d)
    const diff = scored.filter((x) => !x.p.same).map((x) => x.d)
    const cal = thresholdAtFar(same, diff, far)
    const testScored = pairs.get('dev-test')!.map((p) => ({
      same: p.same,
      d: pairDistance(manifest.metric, test.embeddings, p),
    }))
    const heldFar =
      testScored.filter((x) => !x.same && x.d <= cal.threshold).length /
      testScored.filter((x) => !x.same).length
    const heldTar =
      testScored.filter((x) => x.same && x.d <= cal.threshold).length /
      testScored.filter((x) => x.same).length
    const updated: ModelManifest = {
      ...manifest,
      alignment: {
        ...manifest.alignment!,
        template: scaledTemplate(manifest, scales[0]!),
        mirror: mirrors[0]!,
      },
      threshold: {
        distance: cal.threshold,
        calibration: {
          method: `far-target on LFW dev-train pairs (${pick} face); achieved on dev-test: FAR ${pct(heldFar)}%, TAR ${pct(heldTar)}%`,
          targetFalseAcceptRate: far,
          split: 'lfw:pairs-dev-train',
          pairs: trainPairs.length,
          falseAcceptRate: cal.far,
          trueAcceptRate: cal.tar,
        },
      },
      eval: {
        ...manifest.eval,
        split: 'lfw:pairs-dev-test',
        lfw: {
          protocol: `LFW development pairs (pairs-dev-test.txt), 10-fold cross-validated accuracy, ${pick} face,${mirrors[0] === 'supports' ? " a pair's first photo embedded as a stored example (averaged with its mirror image) and its second as a query (one pass)," : ''} ${test.report.fallbacks} of ${test.report.photos} photos without a detected face embedded from a central crop`,
          pairs: test.report.pairs,
          accuracy: test.report.tenFold.accuracy,
          sd: test.report.tenFold.sd,
          auc: test.report.auc,
          eer: test.report.eer,
          tarAtFar: test.report.tarAtFar,
        },
      },
    }
    console.error(`wrote ${rewriteManifest(updated, dir)}`)
  }
}

/**
 * Open-set identification on every photo of the zip: the first photo (by name) of each person
 * with two or more is enrolled; their other photos are known probes, photos of everyone else
 * unknown probes. Prints rank-1, DIR at 1% / 10% false alarms, and the rates at the manifest's
 * threshold.
 */
async function identification(
  lfw: string,
  manifest: ModelManifest,
  spec: ReturnType<typeof faceSpec>,
  sessions: Awaited<ReturnType<typeof openFaceSessions>>,
  pick: FacePick,
  rowFormats: StoredRows[],
): Promise<void> {
  const names = listLfwPhotos(lfw)
  const photos = readLfwPhotos(lfw, names)
  const byPerson = new Map<string, string[]>()
  for (const n of names)
    byPerson.set(n.split('/')[0]!, [...(byPerson.get(n.split('/')[0]!) ?? []), n])
  const gallery: { person: string; photo: PhotoEmbedding }[] = []
  const probes: OpenSetInput['probes'] = []
  const step = progress('identification: detect + embed', names.length)
  let done = 0
  for (const [person, files] of byPerson) {
    for (const [i, name] of files.entries()) {
      const image = decodePhoto(photos.get(name)!)
      const faces = await detect(sessions, image, spec)
      const photo = await embedPhoto(sessions, manifest, spec, image, faces, pick)
      // the gallery is enrolled (stored examples), the probes are queries, as through the API
      if (i === 0 && files.length > 1) gallery.push({ person, photo })
      else probes.push({ person, embedding: photo.embedding })
      step(++done)
    }
  }
  for (const rows of rowFormats) {
    const enrolled = gallery.map((g) => ({
      person: g.person,
      embedding: storedAs(rows, g.photo).support,
    }))
    const r = openSet(
      { gallery: enrolled, probes },
      manifest.metric,
      [0.01, 0.1],
      manifest.threshold.distance,
    )
    console.log(
      `\nOpen-set identification on lfw-dev.zip, ${manifest.id}, face: ${pick}, stored rows: ${rows}`,
    )
    console.log(
      `gallery ${r.gallery} people (one photo each); probes: ${r.knownProbes} of enrolled people, ${r.unknownProbes} of people never enrolled\n`,
    )
    console.log('| figure | value |\n|---|---|')
    console.log(`| rank-1 identification (known probes) | ${pct(r.rank1)}% |`)
    for (const d of r.dir)
      console.log(
        `| DIR at ${pct(d.falseAlarmRate)}% false alarms (threshold ${d.threshold.toFixed(4)}) | ${pct(d.dir)}% |`,
      )
    const t = r.atThreshold!
    console.log(
      `| at the manifest's threshold ${t.threshold.toFixed(4)}: DIR / false alarms | ${pct(t.dir)}% / ${pct(t.falseAlarmRate)}% |`,
    )
  }
}

/**
 * Writes `dir/index.html`: the summary table, and the failure cases at the manifest's threshold
 * of the first trial on dev-test (dev-train when only it was scored); returns its path.
 */
function failureReport(
  dir: string,
  o: {
    manifest: ModelManifest
    pairs: Map<PairSplit, LfwPair[]>
    results: {
      scale: number
      split: PairSplit
      embeddings: Map<string, PhotoEmbedding>
      spec: FaceSpec
    }[]
    decoded: Map<string, { image: RawImage; faces: DetectedFace[] }>
    table: string[]
    pick: FacePick
    align: 'keypoints' | 'box'
  },
): string {
  const { manifest: m, pick, align } = o
  const shown = o.results.find((r) => r.split === 'dev-test') ?? o.results[0]!
  return writeFaceReport(dir, {
    title: `Faces on LFW ${shown.split}: ${m.id}`,
    summary: o.table,
    pairs: o.pairs
      .get(shown.split)!
      .map((p) => ({ ...p, distance: pairDistance(m.metric, shown.embeddings, p) })),
    threshold: m.threshold.distance,
    input: { width: m.input.width, height: m.input.height, norm: shown.spec.norm },
    view: (name) => {
      const { image, faces } = o.decoded.get(name)!
      const { face, data } = embedderInput(m, shown.spec, image, faces, pick, align)
      return { image, faces, face, input: data }
    },
    notes: [
      `${o.pairs.get(shown.split)!.length} pairs of ${shown.split}; face: ${pick}; alignment: ` +
        `${align === 'box' ? 'box x1.4' : `template x${shown.scale}`}; metric ${m.metric.name}; ` +
        `threshold: the manifest's, ${m.threshold.distance.toFixed(4)}.`,
    ],
  })
}

runCli(main, USAGE)
