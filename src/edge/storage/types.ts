import type { MetricName } from '../../core'
import type { ModelRef } from '../runtime'

/** A support set's stored description (the DO's authoritative copy, also inside snapshots). */
export interface SetMeta {
  id: string
  tenant: string
  name: string | null
  /** The model the set's embeddings came from; null when the deployment had none at creation. */
  model: ModelRef | null
  /**
   * The alias the set follows (`default` when created without a model): when the alias moves to
   * another model, a migration re-embeds the set with it. null: pinned to `model`'s id.
   * Absent in sets stored before aliases: `default`.
   */
  alias?: string | null
  /** The latest re-embedding job, if any (see SupportSetStore.migrate). */
  migration?: Migration | null
  /** True while the catalogue has not yet been told the set's current model. */
  usagePending?: boolean
  metric: MetricName
  /** The set's own threshold; null means "the model's calibrated threshold". */
  threshold: number | null
  createdAt: string
  updatedAt: string
  /** Bumped by every write; snapshots carry it so readers can tell how fresh they are. */
  version: number
}

/**
 * A background re-embedding of every example with another model. The set keeps serving from
 * `model` until every example has its new embedding, then switches in one transaction.
 */
export interface Migration {
  to: ModelRef
  state: 'running' | 'done' | 'failed'
  /** Examples re-embedded so far, of `total` (adds during the job raise `total`). */
  done: number
  total: number
  startedAt: string
  finishedAt: string | null
  /** Why the job failed (state `failed`). */
  error: string | null
}

/** SetMeta plus what is computed from the examples. */
export interface SetRecord extends SetMeta {
  count: number
  labels: string[]
}

/** One example as listed (no embedding, no image). */
export interface ExampleInfo {
  id: string
  label: string
  createdAt: string
}

/** One example to add: the image is stored in KV, the embedding in the DO. */
export interface NewExample {
  id: string
  label: string
  image: Uint8Array
  embedding: Float32Array
}

/**
 * One row of a bulk add: with `image` (stored for re-embedding, as any add), or without (a
 * precomputed embedding: nothing to re-embed it from).
 */
export type BulkExample = Omit<NewExample, 'image'> & { image?: Uint8Array }

/** Why a DO write was refused (RPC carries results better than custom error classes). */
export type StoreFailure = 'not_found' | 'exists' | 'model_mismatch' | 'limit'

/** The result of a DO call that can be refused. */
export type StoreResult<T> =
  | { ok: true; value: T }
  | { ok: false; reason: StoreFailure; record?: SetRecord }

/** A page of a list: `next` is the cursor of the following page, null at the end. */
export interface Page<T> {
  items: T[]
  next: string | null
}
