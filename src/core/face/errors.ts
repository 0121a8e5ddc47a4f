/**
 * No face above the detector's score threshold. Decoding returns an empty list rather than
 * throwing (a photo with no face is a normal answer there); callers that need one face throw this,
 * and the edge can map `code` to an HTTP status like ImageDecodeError's codes.
 *
 * @example
 * const faces = decodeBlazeFace(outputs, BLAZEFACE_BACK_256, lb, opts)
 * if (faces.length === 0) throw new NoFaceError('no face scored above 0.65')
 */
export class NoFaceError extends Error {
  override readonly name = 'NoFaceError'
  readonly code = 'no_face' as const

  constructor(message = 'no face found in the image', options?: { cause?: unknown }) {
    super(message, options)
  }
}
