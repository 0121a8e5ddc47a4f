import { z } from 'zod'

/**
 * The model manifest (models/<id>.json) as one zod schema: the TypeScript type, the runtime
 * check (validateManifest in manifest.ts) and the edge's OpenAPI component all come from it.
 * Plain `zod` only: this module runs in Node and in workerd, and the edge adds the OpenAPI name.
 *
 * Every schema carries its own error text (`expected ...`) because validateManifest shows the
 * first issue's message to the user, prefixed by its field path.
 */

const OBJECT = 'expected an object'
const TEXT = 'expected a non-empty string'

const object = <S extends z.ZodRawShape>(shape: S) => z.object(shape, { error: OBJECT })
const looseObject = <S extends z.ZodRawShape>(shape: S) => z.looseObject(shape, { error: OBJECT })
const text = () => z.string({ error: TEXT }).min(1, { error: TEXT })
const bool = () => z.boolean({ error: 'expected a boolean' })
const list = <T extends z.ZodType>(item: T) => z.array(item, { error: 'expected an array' })

/** A finite number in [min, max]; z.number() already rejects NaN and ±Infinity. */
function num(min = -Infinity, max = Infinity) {
  const range =
    min === -Infinity && max === Infinity
      ? ''
      : max === Infinity
        ? ` >= ${min}`
        : ` in [${min}, ${max}]`
  const error = `expected a finite number${range}`
  let schema = z.number({ error })
  if (min > -Infinity) schema = schema.min(min, { error })
  if (max < Infinity) schema = schema.max(max, { error })
  return schema
}

const fraction = () => num(0, 1)

/** A safe integer >= min (0: counts, 1: sizes). */
function int(min: 0 | 1) {
  const error = `expected ${min === 1 ? 'a positive integer' : 'a non-negative integer'}`
  return z.int({ error }).min(min, { error })
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
  })
}

const sha256 = () => text().regex(/^[0-9a-f]{64}$/, { error: 'expected 64 lowercase hex digits' })

/**
 * An (x, y) pair; both items share its error text. validateManifest reports a bad pair at the
 * list (or field) that holds it, not at a coordinate: a pair is one value.
 */
function pair(what: string, item: (error: string) => z.ZodNumber) {
  const error = `expected ${what}`
  // minItems/maxItems: the OpenAPI generator emits only prefixItems, which allows any length.
  return z.tuple([item(error), item(error)], { error }).meta({ minItems: 2, maxItems: 2 })
}

/** A test-time move in whole pixels; right and down are positive. */
const Move = pair('a [dx, dy] integer pair', (error) => z.int({ error }))

/** Distance functions a model can be served with (see distances.ts). */
export const MetricNameSchema = oneOf(['euclidean', 'squared-euclidean', 'cosine', 'learned-l1'])
export type MetricName = z.infer<typeof MetricNameSchema>

/** One N-way K-shot evaluation figure; `accuracy` and `ci95` are fractions. */
export const EvalResultSchema = object({
  /** 'all-alphabets', 'within-alphabet', or a dataset's own protocol name. */
  protocol: text(),
  ways: int(1),
  shots: int(1),
  queries: int(1),
  episodes: int(1),
  accuracy: fraction(),
  ci95: fraction(),
})
export type EvalResult = z.infer<typeof EvalResultSchema>

const ISO_DATE = 'expected an ISO date'

/**
 * models/<id>.json: everything needed to serve, reproduce and judge one exported model.
 *
 * Objects are `z.object` (their type has no index signature, so `Omit<ModelManifest, ...>` keeps
 * its fields), except `training`, `detector` and `alignment`, which carry free-form extras.
 * validateManifest returns its input, so unknown fields at any depth survive it; a bare
 * `ModelManifestSchema.parse()` would drop them outside those loose objects.
 */
export const ModelManifestSchema = object({
  id: text().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    error: 'expected letters, digits, ".", "_" or "-"',
  }),
  version: text(),
  // Date.parse rather than z.iso.datetime(): manifests written so far only promise "parseable".
  createdAt: text()
    .refine((s) => !Number.isNaN(Date.parse(s)), { error: ISO_DATE })
    .meta({ format: 'date-time' }),
  /** sha256 of the ONNX file, lowercase hex. */
  sha256: sha256(),
  /** '<id>.onnx' (checked against id below). */
  file: text(),
  /** Absent means 'glyph': the face model adds detection and alignment before embedding. */
  kind: oneOf(['glyph', 'face']).optional().describe("absent: 'glyph'"),
  /** Weight files converted from npm packages: where each came from and under which license. */
  source: list(
    object({ package: text(), version: text(), file: text(), sha256: sha256(), license: text() }),
  )
    .optional()
    .describe('weight files converted from npm packages, with their licenses'),
  input: object({
    name: text(),
    height: int(1),
    width: int(1),
    // An enum rather than z.literal([1, 3]): zod-to-openapi documents only a literal's first value.
    channels: z.enum({ gray: 1, color: 3 }, { error: 'expected one of 1, 3' }),
    layout: oneOf(['NCHW']),
  }),
  preprocess: object({
    grayscale: bool(),
    invert: bool(),
    resize: oneOf(['area']),
    scale: num().refine((v) => v !== 0, { error: 'expected a non-zero number' }),
    mean: num(),
    std: z
      .number({ error: 'expected a positive number' })
      .positive({ error: 'expected a positive number' }),
  }),
  output: object({
    name: text(),
    dim: int(1),
    normalized: bool(),
    /**
     * Test-time moves whose embeddings the graph itself averages: informative (one forward pass
     * per view), nothing for a client to do. Absent: one view.
     */
    views: list(Move)
      .optional()
      .describe('moves whose embeddings the graph averages (informative); absent: one view'),
    /**
     * Moves whose embeddings are averaged when an image is stored as a support example
     * (support-views.ts): queries stay one pass. Absent: supports are embedded like queries.
     */
    supportViews: list(Move)
      .optional()
      .describe(
        'moves averaged when an image is stored as a support example; queries stay one pass',
      ),
  }),
  /** learned-l1 carries one weight per embedding dimension (and an optional bias). */
  metric: object({
    name: MetricNameSchema,
    weights: list(num()).optional().describe('learned-l1: one weight per output dimension'),
    bias: num().optional(),
  }),
  threshold: object({
    distance: num(0),
    calibration: object({
      method: text(),
      targetFalseAcceptRate: fraction(),
      split: text(),
      pairs: int(0),
      falseAcceptRate: fraction(),
      trueAcceptRate: fraction(),
    }),
  }),
  /** How the model was trained; extra keys (seed, learning rate, ...) are kept. */
  training: looseObject({
    dataset: text(),
    split: text(),
    loss: text(),
    miner: z
      .string({ error: 'expected a non-empty string or null' })
      .min(1, { error: 'expected a non-empty string or null' })
      .nullable(),
    epochs: int(0),
    steps: int(0),
    backend: text(),
    wallTimeSec: num(0),
    command: text(),
  }),
  eval: object({
    split: text(),
    results: list(EvalResultSchema),
    verification: object({ auc: fraction(), eer: fraction(), pairs: int(0) }).optional(),
    /** Face models: LFW verification, 10-fold (see src/train/eval/ten-fold.ts). */
    lfw: looseObject({
      protocol: text(),
      pairs: int(1),
      accuracy: fraction(),
      sd: fraction(),
      auc: fraction(),
    })
      .optional()
      .describe('face models: LFW pairs, 10-fold cross-validated accuracy ± sd'),
  }),
  /** Face model: the face detector that runs before alignment (not used yet). */
  detector: looseObject({
    id: text(),
    sha256: sha256(),
    input: looseObject({ height: int(1), width: int(1) }),
    scoreThreshold: fraction(),
    iouThreshold: fraction(),
  })
    .optional()
    .describe('face models: the detector run before alignment'),
  /** Face model: landmarks are warped onto `template` in a `size` crop. */
  alignment: looseObject({
    template: list(pair('an [x, y] number pair', (error) => z.number({ error }))),
    size: pair('a [width, height] pair of positive integers', (error) =>
      z.int({ error }).min(1, { error }),
    ),
    /**
     * Embed the aligned face and its mirror image and average the two: for every face (true), or
     * for stored examples only ('supports'; queries stay one embedder pass).
     */
    mirror: z
      .union([z.boolean(), z.literal('supports')], { error: "expected a boolean or 'supports'" })
      .optional()
      .describe(
        "true: the embedding is the mean of the aligned face and its mirror image; 'supports': so for stored examples, queries take one pass",
      ),
  })
    .optional()
    .describe('face models: landmarks are warped onto template points in a [width, height] crop'),
}).superRefine(crossFieldRules, {
  // Also run when other fields failed, so the issue list is complete and validateManifest can
  // pick the first bad field in document order; each rule therefore guards what it reads.
  when: (payload) => typeof payload.value === 'object' && payload.value !== null,
})

/** Rules that relate two fields; `m` may be partly invalid here (see `when` above). */
function crossFieldRules(m: unknown, ctx: z.RefinementCtx): void {
  const issue = (path: string[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message, input: m })
  const id = valueAt(m, ['id'])
  const file = valueAt(m, ['file'])
  if (typeof id === 'string' && typeof file === 'string' && file !== `${id}.onnx`) {
    issue(['file'], `expected "${id}.onnx"`)
  }
  if (
    valueAt(m, ['input', 'channels']) === 1 &&
    valueAt(m, ['preprocess', 'grayscale']) === false
  ) {
    issue(['preprocess', 'grayscale'], 'expected true when input.channels is 1')
  }
  const weights = valueAt(m, ['metric', 'weights'])
  if (valueAt(m, ['metric', 'name']) === 'learned-l1' && weights === undefined) {
    issue(['metric', 'weights'], 'expected an array: learned-l1 needs one weight per dimension')
  }
  const dim = valueAt(m, ['output', 'dim'])
  if (Number.isSafeInteger(dim) && Number(dim) > 0 && Array.isArray(weights)) {
    if (weights.length !== dim)
      issue(['metric', 'weights'], `expected ${dim} numbers, got ${weights.length}`)
  }
}

/** The value at `path` inside untrusted JSON, or undefined where a step is not an object. */
export function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (v, key) =>
      typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[key] : undefined,
    value,
  )
}

export type ModelManifest = z.infer<typeof ModelManifestSchema>
