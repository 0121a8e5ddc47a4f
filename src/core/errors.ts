/** Why an image could not be decoded; the edge maps each code to an HTTP status. */
export type ImageDecodeErrorCode =
  | 'empty'
  | 'unsupported_format'
  | 'corrupt'
  | 'truncated'
  | 'too_large'
  | 'dimensions_too_large'

/**
 * Any failure to turn bytes into pixels. Library errors are wrapped in this so callers never
 * see a decoder's internal message shape.
 *
 * @example
 * try { decodeImage(bytes) } catch (e) { if (e instanceof ImageDecodeError) console.log(e.code) }
 */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError'
  readonly code: ImageDecodeErrorCode

  constructor(code: ImageDecodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/**
 * A model manifest that fails validation; `field` is the dotted path of the first bad field.
 *
 * @example
 * new ManifestError('input.height', 'expected a positive integer').message
 * // 'input.height: expected a positive integer'
 */
export class ManifestError extends Error {
  override readonly name = 'ManifestError'
  readonly field: string

  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`)
    this.field = field
  }
}

/**
 * Arrays whose lengths or dimensions do not fit together (embedding sizes, matrices, offsets).
 *
 * @example
 * throw new ShapeError('query has 63 values, expected 64')
 */
export class ShapeError extends Error {
  override readonly name = 'ShapeError'
}
