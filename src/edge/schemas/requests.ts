import { z } from '@hono/zod-openapi'
import { LIMITS } from '../limits'
import { ImageString, K, Label, MetricEnum, ModeEnum, Threshold } from './common'

const images = (max: number) =>
  z
    .array(ImageString)
    .min(1, 'at least one image is needed')
    .max(max, `at most ${max} images per request`)

/** A model id or alias (GET /v1/models); absent: the deployment's default. */
export const ModelName = z.string().min(1).max(200).openapi({
  description: "a model id or alias (GET /v1/models); default: the deployment's default",
})

/** Face models: which face of a photo is compared or embedded. */
export const FacePickName = z.enum(['largest', 'central']).openapi({
  description:
    "face models: which face of each photo: the largest (default) or the one nearest the photo's centre (a portrait or a subject-centred photo with larger faces around it)",
})

export const EmbedJson = z
  .object({ image: ImageString, model: ModelName.optional(), face: FacePickName.optional() })
  .openapi('EmbedRequest')

export const VerifyJson = z
  .object({
    a: ImageString,
    b: ImageString,
    threshold: Threshold.optional(),
    model: ModelName.optional(),
    face: FacePickName.optional(),
  })
  .openapi('VerifyRequest')

/** `?model=` for bodies that are not JSON (raw image, multipart). */
export const ModelQuery = z.object({ model: ModelName.optional() })

/** POST /v1/migrations: one page of the tenant's sets (a tenant may hold 10,000). */
export const MigrationsJson = z
  .object({
    cursor: z.string().max(32).nullable().optional().openapi({
      description: "the previous answer's `cursor`; absent or null: from the first set",
    }),
    limit: z
      .number()
      .int()
      .min(1)
      .max(LIMITS.migrationsPage)
      .default(LIMITS.migrationsPage)
      .openapi({ description: 'sets visited by this call' }),
  })
  .openapi('MigrationsRequest')

export const ReembedJson = z
  .object({
    model: ModelName.optional().openapi({
      description:
        'an alias makes the set follow it; an id pins the set to it; absent: what the set follows now',
    }),
  })
  .openapi('ReembedRequest')

export const CreateSetJson = z
  .object({
    name: z.string().max(LIMITS.nameLength).optional(),
    model: ModelName.optional().openapi({
      description:
        "an id or alias; the set follows an alias (re-embedded when it moves to a new model) and keeps an id; default: the deployment's default",
    }),
    metric: MetricEnum.optional().openapi({ description: "default: the model's metric" }),
    threshold: Threshold.optional().openapi({ description: "default: the model's calibrated one" }),
  })
  .openapi('CreateSetRequest')

/** Face models: which face of the photo to enrol, largest first (default 0: the largest). */
const FaceIndex = z
  .number()
  .int('face must be an integer')
  .min(0, 'face must be >= 0')
  .max(15, 'face must be <= 15')
  .openapi({ description: 'face models: which face to enrol, in largest-first order (default 0)' })

const LabelledImage = z.object({ label: Label, image: ImageString })
const LabelledPhoto = LabelledImage.extend({ face: FaceIndex.optional() })

export const AddExamplesJson = z
  .object({
    examples: z
      .array(LabelledPhoto)
      .min(1, 'at least one example is needed')
      .max(LIMITS.imagesPerRequest, `at most ${LIMITS.imagesPerRequest} examples per request`),
  })
  .openapi('AddExamplesRequest')

const Sha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'sha256: 64 lowercase hex digits')
  .openapi({ description: "the model file's sha256 (its manifest's `sha256`)" })

/**
 * One line of a bulk add's NDJSON body (documentation: the route parses lines itself, so that a
 * bad line is answered with its number). `image` or `embedding`, not both.
 */
export const BulkExampleLine = z
  .object({
    label: Label,
    image: ImageString.optional().openapi({
      description: 'a photo, embedded by the Worker as any add (its photo is stored)',
    }),
    face: FaceIndex.optional(),
    embedding: z
      .array(z.number())
      .optional()
      .openapi({
        description:
          "a precomputed embedding (`npm run embed`): the set's model's `output.dim` finite numbers, " +
          'stored as given (no photo: a migration to another model cannot re-embed it)',
      }),
    model: z
      .string()
      .max(200)
      .optional()
      .openapi({ description: 'embedding lines: the model id it came from (default `?model=`)' }),
    sha256: Sha256.optional(),
  })
  .openapi('BulkExampleLine')

/** `?model=&sha256=`: the model embedding lines came from, unless a line names its own. */
export const BulkQuery = z.object({
  model: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'model id of the embedding lines that do not name one' }),
  sha256: Sha256.optional(),
})

/** `?label=` for a raw image body. */
export const AddExamplesQuery = z.object({
  label: Label.optional(),
  face: z.coerce.number().pipe(FaceIndex).optional(),
})

const classifyOptions = {
  k: K.default(5),
  mode: ModeEnum.default('nearest'),
  threshold: Threshold.optional(),
}

export const ClassifyJson = z
  .object({
    images: images(LIMITS.imagesPerRequest).optional().openapi({
      description: 'query images, base64 (give `images` or `embeddings`)',
    }),
    embeddings: z
      .array(z.array(z.number()).min(1).max(4096))
      .min(1, 'at least one embedding is needed')
      .max(LIMITS.imagesPerRequest, `at most ${LIMITS.imagesPerRequest} embeddings per request`)
      .optional()
      .openapi({
        description:
          "query embeddings instead of images: each as POST /v1/embed returns it (the set's model's " +
          '`output.dim` numbers), searched as given; needs `model` and `sha256`. A client that embeds ' +
          'once can query several sets (the shards of a large directory) without paying the embedding again',
      }),
    model: z.string().min(1).max(200).optional().openapi({
      description: "with `embeddings`: the model id they came from (the set's `model.id`)",
    }),
    sha256: Sha256.optional(),
    ...classifyOptions,
  })
  .openapi('ClassifyRequest')

/** Query options; with a raw or multipart body they are the only way to pass k, mode, threshold. */
export const ClassifyQuery = z.object({
  consistency: z.enum(['eventual', 'strong']).default('eventual'),
  k: z.coerce.number().pipe(K).optional(),
  mode: ModeEnum.optional(),
  threshold: z.coerce.number().pipe(Threshold).optional(),
})

export const EpisodeJson = z
  .object({
    support: z
      .array(LabelledImage)
      .min(1, 'support must not be empty')
      .max(LIMITS.episodeSupport, `at most ${LIMITS.episodeSupport} support images`),
    queries: images(LIMITS.imagesPerRequest),
    ...classifyOptions,
    model: ModelName.optional(),
  })
  .openapi('EpisodeRequest')

/** Options as a route applies them, whatever the body type. */
export interface ClassifyOptions {
  k: number
  mode: 'nearest' | 'prototype'
  threshold?: number
}
