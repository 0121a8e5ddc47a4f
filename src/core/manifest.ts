import type { Obj } from './manifest-checks'
import {
  array,
  bool,
  child,
  fail,
  has,
  int,
  matches,
  num,
  numbers,
  object,
  oneOf,
  str,
} from './manifest-checks'

/** Distance functions a model can be served with (see distances.ts). */
export type MetricName = 'euclidean' | 'squared-euclidean' | 'cosine' | 'learned-l1'

/** One N-way K-shot evaluation figure; `accuracy` and `ci95` are fractions. */
export interface EvalResult {
  protocol: 'all-alphabets' | 'within-alphabet' | string
  ways: number
  shots: number
  queries: number
  episodes: number
  accuracy: number
  ci95: number
}

/** models/<id>.json: everything needed to serve, reproduce and judge one exported model. */
export interface ModelManifest {
  id: string
  version: string
  createdAt: string
  sha256: string
  /** '<id>.onnx' */
  file: string
  input: { name: string; height: number; width: number; channels: 1 | 3; layout: 'NCHW' }
  preprocess: {
    grayscale: boolean
    invert: boolean
    resize: 'area'
    scale: number
    mean: number
    std: number
  }
  output: {
    name: string
    dim: number
    normalized: boolean
    /**
     * Test-time moves (dx, dy) in pixels whose embeddings the graph itself averages: informative
     * (the cost is one forward pass per view), nothing to do for a client. Absent: one view.
     */
    views?: [number, number][]
    /**
     * Moves (dx, dy) whose embeddings are averaged when an image is stored as a support example
     * (support-views.ts): queries stay one pass. Absent: supports are embedded like queries.
     */
    supportViews?: [number, number][]
  }
  /** learned-l1 carries one weight per embedding dimension (and an optional bias). */
  metric: { name: MetricName; weights?: number[]; bias?: number }
  threshold: {
    distance: number
    calibration: {
      method: string
      targetFalseAcceptRate: number
      split: string
      pairs: number
      falseAcceptRate: number
      trueAcceptRate: number
    }
  }
  training: {
    dataset: string
    split: string
    loss: string
    miner: string | null
    epochs: number
    steps: number
    backend: string
    wallTimeSec: number
    command: string
    [k: string]: unknown
  }
  eval: {
    split: string
    results: EvalResult[]
    verification?: { auc: number; eer: number; pairs: number }
  }
}

const METRICS: readonly MetricName[] = ['euclidean', 'squared-euclidean', 'cosine', 'learned-l1']

/**
 * Checks an untrusted parsed JSON value against the manifest schema and returns it typed.
 * Extra fields are kept. Throws a ManifestError whose message starts with the first bad
 * field's path, e.g. `input.height: expected a positive integer`.
 *
 * @example
 * const manifest = validateManifest(JSON.parse(text))
 */
export function validateManifest(x: unknown): ModelManifest {
  const root = object(x, '')
  const id = matches(root, 'id', /^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"')
  str(root, 'version')
  if (Number.isNaN(Date.parse(str(root, 'createdAt')))) {
    fail(root, 'createdAt', 'expected an ISO date')
  }
  matches(root, 'sha256', /^[0-9a-f]{64}$/, '64 lowercase hex digits')
  if (str(root, 'file') !== `${id}.onnx`) fail(root, 'file', `expected "${id}.onnx"`)

  const input = child(root, 'input')
  str(input, 'name')
  int(input, 'height', 1)
  int(input, 'width', 1)
  const channels = oneOf(input, 'channels', [1, 3] as const)
  oneOf(input, 'layout', ['NCHW'] as const)

  const pre = child(root, 'preprocess')
  const grayscale = bool(pre, 'grayscale')
  if (channels === 1 && !grayscale) fail(pre, 'grayscale', 'expected true when input.channels is 1')
  bool(pre, 'invert')
  oneOf(pre, 'resize', ['area'] as const)
  if (num(pre, 'scale') === 0) fail(pre, 'scale', 'expected a non-zero number')
  num(pre, 'mean')
  if (num(pre, 'std') <= 0) fail(pre, 'std', 'expected a positive number')

  const output = child(root, 'output')
  str(output, 'name')
  const dim = int(output, 'dim', 1)
  bool(output, 'normalized')
  for (const key of ['views', 'supportViews'])
    if (has(output, key))
      array(output, key).forEach((v, i) => {
        if (!(Array.isArray(v) && v.length === 2 && v.every((d) => Number.isInteger(d))))
          fail(output, key, `expected [dx, dy] integer pairs, item ${i} is ${JSON.stringify(v)}`)
      })

  checkMetric(child(root, 'metric'), dim)
  checkThreshold(child(root, 'threshold'))
  checkTraining(child(root, 'training'))
  checkEval(child(root, 'eval'))
  return x as ModelManifest
}

function checkMetric(metric: Obj, dim: number): void {
  const name = oneOf(metric, 'name', METRICS)
  if (name === 'learned-l1' || has(metric, 'weights')) numbers(metric, 'weights', dim)
  if (has(metric, 'bias')) num(metric, 'bias')
}

function checkThreshold(threshold: Obj): void {
  num(threshold, 'distance', 0)
  const cal = child(threshold, 'calibration')
  str(cal, 'method')
  num(cal, 'targetFalseAcceptRate', 0, 1)
  str(cal, 'split')
  int(cal, 'pairs', 0)
  num(cal, 'falseAcceptRate', 0, 1)
  num(cal, 'trueAcceptRate', 0, 1)
}

function checkTraining(training: Obj): void {
  for (const key of ['dataset', 'split', 'loss']) str(training, key)
  const miner = training.value.miner
  if (miner !== null && (typeof miner !== 'string' || miner.length === 0)) {
    fail(training, 'miner', 'expected a non-empty string or null')
  }
  int(training, 'epochs', 0)
  int(training, 'steps', 0)
  str(training, 'backend')
  num(training, 'wallTimeSec', 0)
  str(training, 'command')
}

function checkEval(evaluation: Obj): void {
  str(evaluation, 'split')
  array(evaluation, 'results').forEach((r, i) => {
    const result = object(r, `${evaluation.path}.results[${i}]`)
    str(result, 'protocol')
    for (const key of ['ways', 'shots', 'queries', 'episodes']) int(result, key, 1)
    num(result, 'accuracy', 0, 1)
    num(result, 'ci95', 0, 1)
  })
  if (has(evaluation, 'verification')) {
    const v = child(evaluation, 'verification')
    num(v, 'auc', 0, 1)
    num(v, 'eer', 0, 1)
    int(v, 'pairs', 0)
  }
}
