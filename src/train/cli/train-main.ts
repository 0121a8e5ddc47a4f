/**
 * The training flow behind `npm run train -- --data <omniglot root | folder | zip | generated> [flags]`
 * (train.ts), as a function tests call in-process. Trains a Conv-4 embedding net, checkpointing to --out (an interrupted run resumes from there), then
 * saves the model checkpoint and, with --export, writes models/<id>.onnx + manifest after the parity
 * check.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { selectBackend, BACKEND_NAMES, type BackendName } from '../backends/index.js'
import { exportModel } from '../export/export-model.js'
import { saveWeights } from '../export/checkpoint-io.js'
import { sampleParityImages } from '../export/parity-images.js'
import { initFrom } from '../loop/init-from.js'
import { train } from '../loop/trainer.js'
import { localStepper } from '../loop/stepper.js'
import { ParallelStepper } from '../parallel/parallel-stepper.js'
import { Progress } from '../loop/progress.js'
import { VIEW_SET_NAMES, VIEW_SETS } from '../model/shift-views.js'
import { buildObjective } from '../recipe/objective.js'
import { TrainingBatches } from '../recipe/batch-source.js'
import { splitForTraining } from '../recipe/split.js'
import { buildRecipeModel } from '../recipe/model.js'
import { DEFAULT_RECIPE as D, LOSS_NAMES, MINER_NAMES, type Recipe } from '../recipe/recipe.js'
import { makeValidator } from '../recipe/validator.js'
import { teacherEmbeddings } from '../recipe/teacher.js'
import { PREPROCESS_NAMES, preprocessSpecOf } from '../data/decode.js'
import { DATA_HELP, DATA_SOURCES, loadDataset } from '../data/load.js'
import type { ImageDataset } from '../data/types.js'
import { writeRunReport } from '../report/index.js'
import {
  ArgsError,
  choiceFlag,
  intFlag,
  numberFlag,
  parseFlags,
  usage,
  type FlagSpec,
} from './args.js'
import { PRESET_HELP, withPreset } from './presets.js'

const s = (v: number | string) => String(v)
const SPEC = {
  data: {
    type: 'string',
    help: DATA_HELP,
  },
  preset: { type: 'string', help: `flags to start from, overridden by any given: ${PRESET_HELP}` },
  dataset: { type: 'string', default: 'auto', help: DATA_SOURCES.join(' | ') },
  'two-level': { type: 'boolean', help: 'folder data is <group>/<class>/<image>' },
  'min-per-class': {
    type: 'string',
    default: '1',
    help: 'folder data: leave out classes with fewer images (2+ for faces: most LFW people have one photo)',
  },
  split: {
    type: 'string',
    default: 'background',
    help: 'Omniglot split to train on (background, vinyals:train, ...)',
  },
  download: {
    type: 'boolean',
    help: 'download missing Omniglot zips into --data (needs internet)',
  },
  'cache-dir': { type: 'string', default: '.cache/datasets', help: 'decoded-dataset cache' },
  loss: { type: 'string', default: D.loss, help: LOSS_NAMES.join(' | ') },
  miner: {
    type: 'string',
    default: D.miner,
    help: `${MINER_NAMES.join(' | ')} (triplet, contrastive, siamese)`,
  },
  margin: { type: 'string', default: s(D.margin), help: 'triplet/contrastive margin' },
  ways: { type: 'string', default: s(D.ways), help: 'episode classes (prototypical)' },
  shots: { type: 'string', default: s(D.shots), help: 'support images per class (prototypical)' },
  queries: { type: 'string', default: s(D.queries), help: 'query images per class (prototypical)' },
  'group-episodes': {
    type: 'string',
    default: s(D.groupEpisodes),
    help: 'fraction of episodes from one alphabet (prototypical)',
  },
  'classes-per-batch': {
    type: 'string',
    default: s(D.classesPerBatch),
    help: 'P of a P x K batch',
  },
  'images-per-class': { type: 'string', default: s(D.imagesPerClass), help: 'K of a P x K batch' },
  size: { type: 'string', default: s(D.size), help: 'input side in pixels' },
  preprocess: {
    type: 'string',
    default: D.preprocess,
    help: `${PREPROCESS_NAMES.join(' | ')}: drawn characters, or grey / RGB photos (faces)`,
  },
  width: { type: 'string', default: s(D.width), help: 'filters per conv block' },
  'emb-dim': {
    type: 'string',
    default: s(D.embDim),
    help: 'dense embedding size (0: flattened conv features)',
  },
  normalize: { type: 'boolean', help: 'L2-normalise embeddings (default for triplet/contrastive)' },
  'no-rotations': { type: 'boolean', help: 'no 90-degree rotation classes' },
  'no-jitter': { type: 'boolean', help: 'no per-image affine jitter' },
  lr: { type: 'string', default: s(D.lr), help: 'Adam learning rate' },
  schedule: { type: 'string', default: D.schedule, help: 'constant | cosine | step' },
  steps: { type: 'string', default: s(D.steps), help: 'training steps' },
  'steps-per-epoch': {
    type: 'string',
    default: s(D.stepsPerEpoch),
    help: 'validation/checkpoint period',
  },
  seed: { type: 'string', default: s(D.seed), help: 'seed of init, sampling and jitter' },
  'center-lambda': { type: 'string', default: s(D.centerLambda), help: 'center-loss weight λ' },
  'center-alpha': { type: 'string', default: s(D.centerAlpha), help: 'center learning rate α' },
  distill: {
    type: 'string',
    help: "teacher ONNX (e.g. a '--views box1' export): pull the embeddings towards its own",
  },
  'distill-weight': {
    type: 'string',
    help: 'with --distill: weight of the distillation term (default 10)',
  },
  'val-fraction': { type: 'string', default: '0.05', help: 'held-out classes for validation' },
  'val-episodes': { type: 'string', default: '200', help: 'validation episodes per epoch' },
  patience: {
    type: 'string',
    default: '0',
    help: 'early stop after N epochs without gain (0: off)',
  },
  backend: { type: 'string', default: 'auto', help: BACKEND_NAMES.join(' | ') },
  workers: {
    type: 'string',
    default: '1',
    help: 'data-parallel worker threads (wasm: one per core)',
  },
  out: {
    type: 'string',
    help: 'run folder (default runs/<id>); an existing checkpoint there is resumed',
  },
  init: {
    type: 'string',
    help: 'start from the weights of this run folder (fine-tune: fresh optimizer and schedule)',
  },
  'checkpoint-every': { type: 'string', default: '50', help: 'steps between checkpoints' },
  id: { type: 'string', help: 'model id (default <dataset>-<loss>-<date>)' },
  export: { type: 'boolean', help: 'export models/<id>.onnx + manifest when done' },
  views: {
    type: 'string',
    default: 'none',
    help: `with --export: moved views the graph averages (${VIEW_SET_NAMES.join(' | ')})`,
  },
  'support-views': {
    type: 'string',
    default: 'none',
    help: `with --export: moved views the API averages per stored support example (${VIEW_SET_NAMES.join(' | ')})`,
  },
  default: { type: 'boolean', help: 'with --export: make it the model the Worker serves' },
  'models-dir': { type: 'string', default: 'models', help: 'where --export writes' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} satisfies Record<string, FlagSpec>
/** `npm run train -- --help`. */
export const TRAIN_USAGE = usage(
  'npm run train -- --data <path|generated> [flags]  (or --preset quick [flags])',
  SPEC,
)

function recipeOf(f: ReturnType<typeof parseFlags<typeof SPEC>>): Recipe {
  const loss = choiceFlag('loss', f.loss, LOSS_NAMES)
  return {
    loss,
    miner: choiceFlag('miner', f.miner, MINER_NAMES),
    margin: numberFlag('margin', f.margin, 0),
    ways: intFlag('ways', f.ways, 2),
    shots: intFlag('shots', f.shots),
    queries: intFlag('queries', f.queries),
    groupEpisodes: numberFlag('group-episodes', f['group-episodes'], 0, 1),
    classesPerBatch: intFlag('classes-per-batch', f['classes-per-batch'], 2),
    imagesPerClass: intFlag('images-per-class', f['images-per-class'], 2),
    size: intFlag('size', f.size, 16, 512),
    preprocess: choiceFlag('preprocess', f.preprocess, PREPROCESS_NAMES),
    width: intFlag('width', f.width, 1, 1024),
    embDim: intFlag('emb-dim', f['emb-dim'], 0, 4096),
    normalize: f.normalize || loss === 'triplet' || loss === 'contrastive',
    rotations: !f['no-rotations'],
    jitter: !f['no-jitter'],
    lr: numberFlag('lr', f.lr, 1e-7, 1),
    schedule: choiceFlag('schedule', f.schedule, ['constant', 'cosine', 'step'] as const),
    steps: intFlag('steps', f.steps),
    stepsPerEpoch: intFlag('steps-per-epoch', f['steps-per-epoch']),
    seed: intFlag('seed', f.seed, 0),
    centerLambda: numberFlag('center-lambda', f['center-lambda'], 0),
    centerAlpha: numberFlag('center-alpha', f['center-alpha'], 0, 1),
    distillWeight: distillWeightOf(f.distill, f['distill-weight']),
  }
}

function distillWeightOf(teacher: string | undefined, weight: string | undefined): number {
  if (!teacher && weight !== undefined)
    throw new ArgsError('--distill-weight needs --distill <teacher.onnx>')
  return teacher ? numberFlag('distill-weight', weight ?? '10', 0) : 0
}

function initOrExplain(model: Parameters<typeof initFrom>[0], runDir: string) {
  try {
    const init = initFrom(model, runDir)
    console.error(`initialised from ${runDir} (step ${init.steps})`)
    return init
  } catch (e) {
    throw new ArgsError(`--init ${runDir}: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/**
 * The teacher's embeddings of the training set, timed, kept in the run folder for a resume; a bad
 * teacher is a bad --distill flag.
 */
async function loadTeacher(path: string, ds: ImageDataset, dim: number, runDir: string) {
  const t0 = performance.now()
  try {
    const t = await teacherEmbeddings(path, ds, dim, runDir)
    const how = t.cached ? `read back from ${runDir}` : 'computed'
    console.error(
      `distilling from ${path}: ${ds.labels.length} teacher embeddings ${how} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    )
    return t.embeddings
  } catch (e) {
    throw new ArgsError(e instanceof Error ? e.message : String(e))
  }
}

/** What a training run wrote. */
export interface TrainOutcome {
  id: string
  /** the run folder */
  out: string
  steps: number
  /** the best validation (accuracy in [0, 1]), when there was one */
  best: { epoch: number; validation: number } | null
  /** models/<id>.onnx, with --export */
  onnxPath?: string
}

/**
 * Runs `npm run train` with these arguments (without node and the script), in this process; bad
 * flags throw {@link ArgsError}. Resolves with what it wrote (null for --help).
 *
 * @example
 * await trainMain(['--preset', 'quick', '--id', 'demo', '--export'])
 */
export async function trainMain(argv: string[]): Promise<TrainOutcome | null> {
  const args = withPreset(argv)
  const f = parseFlags(args, SPEC)
  if (f.help) {
    console.log(TRAIN_USAGE)
    return null
  }
  if (!f.data) throw new ArgsError('--data is required')
  const recipe = recipeOf(f)
  // checked now, not after hours of training
  const views = choiceFlag('views', f.views, VIEW_SET_NAMES)
  const supportViews = choiceFlag('support-views', f['support-views'], VIEW_SET_NAMES)
  const dataset = choiceFlag('dataset', f.dataset, DATA_SOURCES)
  const id =
    f.id ??
    `${f.data === 'generated' ? 'generated' : 'model'}-${recipe.loss}-${new Date().toISOString().slice(0, 10)}`
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(id))
    throw new ArgsError(`--id: use a-z, 0-9, '.', '_', '-' (got "${id}")`)
  const out = f.out ?? join('runs', id)
  const valFraction = numberFlag('val-fraction', f['val-fraction'], 0, 0.5)

  const { backend, probes } = await selectBackend(
    choiceFlag('backend', f.backend, BACKEND_NAMES) as BackendName | 'auto',
  )
  for (const p of probes)
    console.error(`backend ${p.name}: ${p.ok ? 'available' : 'skipped'} (${p.detail})`)
  console.error(`training on backend '${backend}'`)

  const t0 = performance.now()
  const spec = preprocessSpecOf(recipe.preprocess, recipe.size)
  const { dataset: full } = await loadDataset({
    data: f.data,
    source: dataset,
    split: f.split,
    spec,
    twoLevel: f['two-level'],
    minPerClass: intFlag('min-per-class', f['min-per-class']),
    cacheDir: f['cache-dir'],
    download: f.download,
  })
  const { train: trainDs, val } = splitForTraining(full, {
    valFraction,
    rotations: recipe.rotations,
    seed: recipe.seed,
  })
  console.error(
    `data: ${full.classes.length} classes, ${full.labels.length} images (${((performance.now() - t0) / 1000).toFixed(1)} s); ` +
      `training on ${trainDs.classes.length} classes${recipe.rotations ? ' (with rotations)' : ''}, validating on ${val?.classes.length ?? 0}`,
  )

  const model = buildRecipeModel(recipe)
  const init = f.init ? initOrExplain(model, f.init) : null
  const dim = model.outputs[0].shape[1] as number
  const objective = buildObjective(recipe, dim, trainDs.classes.length)
  const teacher = f.distill ? await loadTeacher(f.distill, trainDs, dim, out) : undefined
  const validator = val
    ? makeValidator(model, val, {
        normalize: recipe.normalize,
        metric: objective.metric(),
        episodes: intFlag('val-episodes', f['val-episodes']),
      })
    : null
  mkdirSync(out, { recursive: true })
  const workers = intFlag('workers', f.workers, 1, 64)
  const stepper =
    workers === 1
      ? localStepper(
          model,
          objective,
          new TrainingBatches(trainDs, recipe, undefined, teacher),
          recipe.size,
        )
      : await ParallelStepper.start({
          workers,
          backend,
          recipe,
          dataset: trainDs,
          teacher,
          numClasses: trainDs.classes.length,
          model,
        })
  const command = `npm run train -- ${argv.join(' ')}`
  const state = await train({
    model,
    stepper,
    steps: recipe.steps,
    stepsPerEpoch: recipe.stepsPerEpoch,
    schedule: {
      name: recipe.schedule,
      lr: recipe.lr,
      totalSteps: recipe.steps,
      warmupSteps: Math.min(100, Math.floor(recipe.steps / 20)),
    },
    checkpointDir: join(out, 'state'),
    checkpointEvery: intFlag('checkpoint-every', f['checkpoint-every']),
    validate: validator?.run,
    patience: intFlag('patience', f.patience, 0),
    progress: new Progress(recipe.steps),
  })
  await stepper.dispose()
  const training = {
    dataset:
      f.data === 'generated'
        ? 'generated-glyphs'
        : `${dataset === 'auto' ? 'auto' : dataset}:${f.data}`,
    split: f.split,
    loss: objective.name,
    miner: objective.minerName,
    epochs: state.epoch,
    steps: state.step,
    backend,
    workers,
    // a fine-tuned model's cost includes the run it started from
    wallTimeSec: Math.round(state.wallSec + (init?.wallTimeSec ?? 0)),
    command,
    ...(init ? { init } : {}),
    ...(f.distill ? { distill: { teacher: f.distill, weight: recipe.distillWeight } } : {}),
    recipe,
    validation: state.best ? { ways: validator?.ways, shots: 1, ...state.best } : null,
  }
  writeFileSync(
    join(out, 'history.json'),
    JSON.stringify({ recipe, history: state.history, losses: state.losses, training }, null, 1),
  )
  // The served graph ends in L2 normalisation, so that distances and thresholds live on the unit
  // sphere for every loss (and the 1e-5 parity bound is meaningful); only Koch's learned-L1 head,
  // trained on raw features, keeps them. Saved in the checkpoint so `npm run export` agrees.
  const metric = objective.metric()
  const normalize = recipe.normalize || metric.name !== 'learned-l1'
  const { preprocess } = spec
  await saveWeights(model, join(out, 'model'), {
    meta: { normalize, metric, preprocess, training },
  })
  console.error(
    `trained ${state.step} steps in ${(state.wallSec / 60).toFixed(1)} min; model checkpoint in ${join(out, 'model')}`,
  )
  try {
    // the projection shows held-out validation classes: never trained on, so it reads as a test
    const data = val ? { dataset: val, split: `${f.split}: held-out classes` } : undefined
    const rep = {
      outDir: out,
      title: `Training run ${id}`,
      history: state.history,
      losses: state.losses,
    }
    const r = await writeRunReport({ ...rep, training, model, normalize: recipe.normalize, data })
    console.error(`report: ${r.html}`)
  } catch (e) {
    console.error(`report not written: ${e instanceof Error ? e.message : String(e)}`)
  }
  let onnxPath: string | undefined
  if (f.export) {
    const r = await exportModel(model, {
      id,
      modelsDir: f['models-dir'],
      normalize,
      shifts: VIEW_SETS[views],
      supportShifts: VIEW_SETS[supportViews],
      metric,
      preprocess,
      setDefault: f.default,
      training,
      parityImages: sampleParityImages(full),
    })
    console.error(
      `exported ${r.onnxPath} (parity max abs diff ${r.parity.maxAbsDiff.toExponential(2)} on ${r.parity.images} images of the training data)`,
    )
    onnxPath = r.onnxPath
  }
  return { id, out, steps: state.step, best: state.best ?? null, ...(onnxPath ? { onnxPath } : {}) }
}
