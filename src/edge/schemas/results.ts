import { z } from '@hono/zod-openapi'
import { ModelManifestSchema } from '../../core'
import { MetricEnum } from './common'

export const Health = z
  .object({
    ok: z.boolean(),
    model: z.string().nullable().openapi({ description: 'the default model, or null' }),
  })
  .openapi('Health')

/**
 * A model manifest without weights (docs/CONTRACTS.md), documented field by field from core's schema.
 * Core stays free of hono, so the component is named here, on an object rebuilt from core's
 * shape: `.openapi()` is a prototype patch, absent from core's zod where two copies get bundled
 * (vitest-pool-workers). The rebuild skips core's cross-field rules: validate manifests with
 * validateManifest, not with this schema.
 */
export const Manifest = z.object(ModelManifestSchema.shape).openapi('ModelManifest')

export const ModelList = z
  .object({
    models: z.array(Manifest),
    default: z.string().nullable().openapi({ description: 'id of the default model' }),
    aliases: z
      .record(z.string(), z.string())
      .openapi({ description: 'alias -> model id (`default` included)' }),
  })
  .openapi('ModelList')

/** A set's latest re-embedding job (POST /v1/sets/{id}/reembed, or a migration after a publish). */
export const MigrationState = z
  .object({
    to: z.string().openapi({ description: 'the model the set is being re-embedded with' }),
    state: z.enum(['running', 'done', 'failed']),
    done: z.number().int(),
    total: z.number().int(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    error: z.string().nullable(),
  })
  .openapi('MigrationState')

export const MigrationSummary = z
  .object({
    started: z.number().int().openapi({ description: 'sets whose re-embedding started now' }),
    running: z.number().int().openapi({ description: 'sets already re-embedding to their target' }),
    current: z.number().int().openapi({ description: 'sets already on their target' }),
    skipped: z.array(z.object({ set: z.string(), reason: z.string() })),
  })
  .openapi('MigrationSummary')

/** A page of migrations: the summary and where the next call continues (null: done). */
export const MigrationPage = MigrationSummary.extend({
  cursor: z
    .string()
    .nullable()
    .openapi({ description: 'send it back for the next page; null: done' }),
}).openapi('MigrationPage')

/** A face's box in an image's pixels (face models). */
export const FaceBox = z
  .object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() })
  .openapi('FaceBox', { description: "a face's box in the image's pixels" })

export const EmbedResult = z
  .object({
    model: z.string(),
    sha256: z.string().openapi({
      description:
        "the model file's sha256: with `model`, the tag a classify by embedding or a bulk line sends",
    }),
    embedding: z.array(z.number()),
    box: FaceBox.optional().openapi({ description: 'face models: the (largest) face embedded' }),
  })
  .openapi('EmbedResult')

export const VerifyResult = z
  .object({
    same: z.boolean(),
    distance: z.number(),
    threshold: z.number(),
    model: z.string(),
    similarity: z.number().optional().openapi({
      description: 'face models: 0-100, 50 at the threshold',
    }),
    boxes: z
      .object({ a: FaceBox, b: FaceBox })
      .optional()
      .openapi({ description: 'face models: the largest face of each photo, compared' }),
  })
  .openapi('VerifyResult')

export const SupportSet = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    model: z
      .string()
      .nullable()
      .openapi({ description: 'id of the model the embeddings came from' }),
    metric: MetricEnum,
    threshold: z
      .number()
      .nullable()
      .openapi({ description: "the set's, else the model's calibrated one" }),
    count: z.number().int().openapi({ description: 'number of examples' }),
    labels: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    reembedRequired: z.boolean().openapi({
      description: 'true when the set was embedded with a model this deployment no longer serves',
    }),
    alias: z.string().nullable().openapi({
      description:
        'the alias the set follows (`default` unless created with another); when it moves to a new model, a migration re-embeds the set. null: pinned to `model`',
    }),
    migration: MigrationState.nullable(),
  })
  .openapi('SupportSet')

export const SetList = z
  .object({ sets: z.array(SupportSet), cursor: z.string().nullable() })
  .openapi('SupportSetList')

export const Example = z
  .object({ id: z.string(), label: z.string(), createdAt: z.string() })
  .openapi('Example')

export const ExampleList = z
  .object({ examples: z.array(Example), cursor: z.string().nullable() })
  .openapi('ExampleList')

export const AddedExamples = z
  .object({
    ids: z.array(z.string()),
    count: z.number().int(),
    boxes: z
      .array(FaceBox)
      .optional()
      .openapi({ description: 'face models: the face enrolled from each photo, in order' }),
  })
  .openapi('AddedExamples')

export const BulkAdded = z
  .object({
    added: z.number().int().openapi({ description: 'examples stored by this request' }),
    rejected: z
      .array(z.object({ line: z.number().int(), reason: z.string() }))
      .openapi({ description: 'lines not stored (1-based line numbers), with why' }),
    count: z.number().int().openapi({ description: "the set's examples after this request" }),
  })
  .openapi('BulkAdded')

export const Prediction = z
  .object({
    label: z.string().nullable(),
    unknown: z.boolean(),
    distance: z.number(),
    top: z.array(z.object({ label: z.string(), distance: z.number() })),
  })
  .openapi('Prediction')

const similarity = z.number().openapi({
  description: '0-100: 100 at distance 0, 50 at the threshold (above 50: a match)',
})

export const FacePrediction = Prediction.extend({ box: FaceBox, similarity }).openapi(
  'FacePrediction',
)

/** Face models: the largest face's prediction on top (null distance: no face), every face below. */
const FaceFields = {
  distance: z.number().nullable().openapi({ description: 'null when the image holds no face' }),
  similarity: similarity.nullable().optional(),
  box: FaceBox.nullable().optional(),
  faces: z
    .array(FacePrediction)
    .optional()
    .openapi({ description: 'face models: every face found' }),
}

export const ClassifyResult = z
  .object({ model: z.string(), results: z.array(Prediction.extend(FaceFields)) })
  .openapi('ClassifyResult')
