import type { ModelManifest } from '../../core'

/** What a support set records about the model its embeddings came from. */
export interface ModelRef {
  id: string
  sha256: string
  /**
   * The enrolment views (`output.supportViews`) as "dx,dy;dx,dy", when the manifest names any:
   * the same weights with other views store other embeddings, so the set must be re-embedded.
   */
  supportViews?: string
}

/** The reference a set records for embeddings made with `manifest`'s model. */
export function modelRef(manifest: ModelManifest): ModelRef {
  const views = manifest.output.supportViews
  return {
    id: manifest.id,
    sha256: manifest.sha256,
    ...(views?.length ? { supportViews: views.map((v) => v.join(',')).join(';') } : {}),
  }
}

/** True when embeddings made under `a` and `b` are interchangeable (refs stored before views: none). */
export function sameModel(a: ModelRef | null, b: ModelRef): boolean {
  return (
    !!a &&
    a.id === b.id &&
    a.sha256 === b.sha256 &&
    (a.supportViews ?? '') === (b.supportViews ?? '')
  )
}
