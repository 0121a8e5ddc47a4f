import type { Context } from 'hono'
import { ApiError, echo } from '../errors'
import { LIMITS } from '../limits'

/** How a request carries its images. */
export type BodyKind = 'json' | 'multipart' | 'image'

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg'])
const NAMES: Record<BodyKind, string> = {
  json: 'application/json',
  multipart: 'multipart/form-data',
  image: 'image/png or image/jpeg',
}

/** The body's kind from its Content-Type; 415 when it is not one the route accepts. */
export function bodyKind(c: Context, allowed: readonly BodyKind[]): BodyKind {
  const media = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  const kind: BodyKind | null = JSON_TYPE.test(media)
    ? 'json'
    : media === 'multipart/form-data'
      ? 'multipart'
      : IMAGE_TYPES.has(media)
        ? 'image'
        : null
  if (kind && allowed.includes(kind)) return kind
  const accepted = allowed.map((k) => NAMES[k]).join(', ')
  throw new ApiError(
    415,
    'unsupported_media_type',
    `Content-Type '${echo(media) || '(none)'}' not accepted; send ${accepted}`,
  )
}

function checkSize(bytes: Uint8Array, field: string): Uint8Array {
  if (bytes.length === 0) throw new ApiError(400, 'empty_image', `${field}: image is empty`)
  if (bytes.length > LIMITS.imageBytes)
    throw new ApiError(
      413,
      'image_too_large',
      `${field}: image is larger than ${LIMITS.imageBytes} bytes`,
    )
  return bytes
}

/** A raw image request body. */
export async function rawImage(c: Context): Promise<Uint8Array> {
  return checkSize(new Uint8Array(await c.req.arrayBuffer()), 'body')
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/

/** Decodes a base64 image (plain or a data: URL); 400 when it is not base64, 413 when too big. */
export function base64Image(text: string, field: string): Uint8Array {
  const data = text.startsWith('data:') ? text.slice(text.indexOf(',') + 1) : text
  const clean = data.replace(/\s+/g, '')
  if (clean.length > Math.ceil((LIMITS.imageBytes * 4) / 3) + 4)
    throw new ApiError(
      413,
      'image_too_large',
      `${field}: image is larger than ${LIMITS.imageBytes} bytes`,
    )
  if (!BASE64.test(clean) || clean.length % 4 === 1)
    throw new ApiError(400, 'invalid_base64', `${field}: not valid base64`)
  const binary = atob(clean.replace(/-/g, '+').replace(/_/g, '/'))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return checkSize(bytes, field)
}

/** The parsed multipart body; 400 when it cannot be parsed. */
export async function formData(c: Context): Promise<FormData> {
  try {
    return await c.req.formData()
  } catch {
    throw new ApiError(400, 'malformed_multipart', 'request body is not valid multipart/form-data')
  }
}

/** Every part named `name` as image bytes (file parts, or text parts holding base64). */
export async function imageParts(form: FormData, name: string): Promise<Uint8Array[]> {
  const parts = form.getAll(name)
  return Promise.all(
    parts.map(async (p, i) => {
      const field = parts.length > 1 ? `${name}[${i}]` : name
      return typeof p === 'string'
        ? base64Image(p, field)
        : checkSize(new Uint8Array(await (p as Blob).arrayBuffer()), field)
    }),
  )
}

/** Exactly one image part named `name`; 400 (naming the part) when absent or repeated. */
export async function oneImagePart(form: FormData, name: string): Promise<Uint8Array> {
  const all = await imageParts(form, name)
  if (all.length !== 1)
    throw new ApiError(400, 'missing_image', `expected one multipart part '${name}'`)
  return all[0]!
}
