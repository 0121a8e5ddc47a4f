/**
 * API limits. Sizes answer 413, counts that are quotas (examples per set, sets per tenant) answer
 * 429, label and parameter violations answer 422. The README's API section lists these values.
 */
export const LIMITS = {
  /** Bytes of one encoded image. */
  imageBytes: 5 * 1024 * 1024,
  /** Pixels per side of one image (checked from the header, before decoding). */
  imageSide: 4096,
  /**
   * Pixels of one image: 4 Mpx keeps one decoded RGBA image (16 MiB) well inside 128 MB. A 16-bit
   * PNG counts twice (its samples are inflated and converted at 2 bytes each), so it may declare
   * 2 Mpx: one image's decode then peaks near 3 x 16 MiB (inflated rows, samples, 8-bit pixels).
   */
  imagePixels: 4 * 1024 * 1024,
  /**
   * Decoded pixels of one request, all its images together, counted like `imagePixels` (16-bit
   * PNGs twice; face photos that are JPEGs at the reduced size they are decoded at). Checked from
   * the headers before any image is decoded: over it is 413 `pixel_budget_exceeded`. Images are
   * decoded one after another and preprocessing streams rows, so memory is bounded by the largest
   * image, and this bounds the CPU: about 0.12 s per Mpx of decode and preprocessing in Node, so
   * the worst accepted request takes about 1 s of the 30 s Workers CPU default and its memory
   * stays near that of its two largest images (bench/RESULTS.md: "Worst accepted request"). The
   * issue's 32 PNGs of 2048x2048x16-bit (256 M counted pixels, 54 s) are refused.
   */
  requestPixels: 8 * 1024 * 1024,
  /** Bytes of one request body (base64 JSON of several images included). */
  bodyBytes: 16 * 1024 * 1024,
  /**
   * Lines of one bulk add (`POST /v1/sets/{id}/examples/bulk`, NDJSON). Every line is parsed and
   * checked before any is stored, so a request's rows are held at once: 5,000 x 128-d is 2.5 MB
   * of float32, and the body limit (`bodyBytes`) bounds wider models first (~1,300 lines of
   * 1024-d JSON floats). Image lines count against `imagesPerRequest` and `requestPixels` too:
   * they are embedded in the Worker like any add.
   */
  bulkLines: 5000,
  /** Images in one request (examples added, classify queries, episode queries). */
  imagesPerRequest: 32,
  /**
   * Faces embedded in one request (face models: every face of every query photo). At about
   * 0.1 s of Worker CPU per face (bench/edge/faces.ts), 32 faces stay far inside the 30 s default.
   */
  facesPerRequest: 32,
  /** Support images in one stateless episode. */
  episodeSupport: 100,
  /**
   * Examples stored in one support set, for models of up to 128 dimensions (the Omniglot and
   * dlib face models): 100,000 x 128 int8 rows are a 13.7 MB segmented snapshot (136 bytes per
   * example plus labels) and count ~30-47 MB in an isolate's cache. Larger embeddings allow fewer
   * (`examplesPerSetFor`): the set must fit `snapshotCacheBytes` decoded. docs/LARGE-SETS.md.
   */
  examplesPerSet: 100_000,
  /** Support sets per tenant. */
  setsPerTenant: 10_000,
  /**
   * Sets one `POST /v1/migrations` call visits: two Durable Object calls each plus a list per 100,
   * 8,040 subrequests, inside a request's 10,000 (Workers Paid). A tenant with more sets pages
   * with the answer's `cursor`.
   */
  migrationsPage: 4000,
  /** Characters of a label. */
  labelLength: 64,
  /** Characters of a set name. */
  nameLength: 100,
  /** Largest `k` (top-k labels) in classify and episodes. */
  topK: 50,
  /** Largest page size of list routes. */
  pageSize: 100,
  /**
   * Bytes of decoded snapshots one isolate keeps (least recently used out; storage/
   * snapshot-cache.ts). An isolate has 128 MB for everything: this leaves the rest to the ORT
   * sessions (the face models' ~10-20 MB), one request's images and the segments being decoded
   * (13.7 MB at 100,000 x 128; room for the set is made before they are read). A 100,000 x 128
   * int8 set counts 30-47 MB (rows 12.8 MB, as much again for class means, norms, label ids and
   * strings): one such set, or hundreds of 1,000-example sets (~0.2 MB each at 64-d), stay
   * cached.
   */
  snapshotCacheBytes: 48 * 1024 * 1024,
} as const

/**
 * Bytes one example of a `dim`-dimensional model takes in an isolate's snapshot cache at worst
 * (storage/snapshot.ts `snapshotBytes`): int8 rows up to 512-d (values, scale, norm, kernel
 * output, and as much again for class means), float32 rows beyond, plus the row's label index and
 * a distinct label of LIMITS.labelLength characters.
 */
export function cachedBytesPerExample(dim: number): number {
  const row = dim <= 512 ? dim + 16 : 4 * dim
  return 2 * row + 12 + 40 + 2 * LIMITS.labelLength
}

/**
 * Examples one set of a `dim`-dimensional model may hold: LIMITS.examplesPerSet, or fewer (in
 * thousands) where a full set would not fit the isolate's snapshot cache decoded, so that it is
 * decoded once, not per request: 100,000 at 64-d and 128-d, 40,000 at 512-d, 6,000 for the
 * 1024-d faceres model (float32 rows, 8.4 KB each).
 */
export function examplesPerSetFor(dim: number): number {
  const fit = Math.floor(LIMITS.snapshotCacheBytes / cachedBytesPerExample(dim) / 1000) * 1000
  return Math.max(1000, Math.min(LIMITS.examplesPerSet, fit))
}

/**
 * Request rates, enforced by Cloudflare's rate-limiting binding (`[[ratelimits]]` in
 * wrangler.toml, which must state the same numbers; the binding's periods are 10 or 60 s). Over
 * a limit is 429 `rate_limited` with `Retry-After: <period>`. The binding counts per Cloudflare
 * location and is eventually consistent (cheap: no round trip per request); these protect the
 * service from floods, they are not billing quotas. A failed authentication counts against the
 * client address (CF-Connecting-IP); past the limit, the address is refused before its key is
 * checked until the period ends.
 */
export const RATE_LIMITS = {
  perKey: { limit: 600, period: 60 },
  perTenant: { limit: 1200, period: 60 },
  failedAuthPerAddress: { limit: 20, period: 60 },
} as const

/**
 * What a label may contain: a letter or digit first, then letters, digits, spaces and `_-.:'()`.
 * No control characters, slashes or quotes, so labels are safe in logs, CSV and file names.
 */
export const LABEL_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} _.:'()-]*$/u

/**
 * LABEL_PATTERN as `/openapi.json` states it: a pattern that means the same with or without the
 * `u` flag (JSON Schema validators and generated clients compile patterns either way; a
 * `/.../u` literal matches no label in either). It is exact on ASCII (letters, digits, then also space and
 * `_-.:'()`) and lets any non-ASCII character through, so every label the API accepts matches it;
 * the API alone rejects non-ASCII characters that are not letters or digits.
 */
export const LABEL_PATTERN_PORTABLE =
  '^[^\\x00-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f][^\\x00-\\x1f!"#$%&*+,/;<=>?@\\x5b-\\x5e`{|}~\\x7f]*$'

/** Image limits in the shape core's decoder takes. */
export const IMAGE_LIMITS = {
  maxBytes: LIMITS.imageBytes,
  maxSide: LIMITS.imageSide,
  maxPixels: LIMITS.imagePixels,
}
