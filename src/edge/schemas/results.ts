import { z } from '@hono/zod-openapi'
import { MetricEnum } from './common'

export const Health = z.object({ ok: z.boolean(), model: z.string().nullable() }).openapi('Health')

/** A model manifest without weights (DESIGN.md §3); extra fields are kept. */
export const Manifest = z
  .looseObject({ id: z.string(), version: z.string(), sha256: z.string(), createdAt: z.string() })
  .openapi('ModelManifest')

export const ModelList = z.object({ models: z.array(Manifest) }).openapi('ModelList')

export const EmbedResult = z
  .object({ model: z.string(), embedding: z.array(z.number()) })
  .openapi('EmbedResult')

export const VerifyResult = z
  .object({ same: z.boolean(), distance: z.number(), threshold: z.number(), model: z.string() })
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
  .object({ ids: z.array(z.string()), count: z.number().int() })
  .openapi('AddedExamples')

export const Prediction = z
  .object({
    label: z.string().nullable(),
    unknown: z.boolean(),
    distance: z.number(),
    top: z.array(z.object({ label: z.string(), distance: z.number() })),
  })
  .openapi('Prediction')

export const ClassifyResult = z
  .object({ model: z.string(), results: z.array(Prediction) })
  .openapi('ClassifyResult')
