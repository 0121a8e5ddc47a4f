// The model the Worker bundles. Rewritten by `npm run export -- --default` (see
// src/train/export/manifest-writer.ts); this version means "no model exported yet", so
// the edge builds before any model exists and answers 503 for model routes.
// The annotations keep the edge's types stable across both versions of this file.
export const manifest: unknown = null
export const model: ArrayBuffer | null = null
