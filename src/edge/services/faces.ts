import {
  alignedInput,
  decodeFacePhoto,
  faceInputs,
  faceViews,
  meanOfViews,
  pickFace,
  type Box,
  type DetectedFace,
  type FaceRole,
  type RawImage,
  type SubjectPick,
} from '../../core'
import { ApiError, toApiError } from '../errors'
import type { NamedImage } from '../images'
import { IMAGE_LIMITS, LIMITS } from '../limits'
import type { FaceDetection, LoadedModel } from '../models/loaded-model'
import type { ServerTiming } from '../timing'
import { embedSupportImages, type Embedded } from './embed'

/** One face of a request's images, as answered: its box in the image's pixels, and its score. */
export interface FoundFace {
  /** Index of the request image it was found in. */
  image: number
  box: Box
  score: number
}

/** Face embeddings: one row of `matrix` per entry of `faces`. */
export interface EmbeddedFaces extends Embedded {
  faces: FoundFace[]
}

/**
 * Which faces of each image to embed: `largest` or `central` (one per image, the largest or the
 * one nearest the image's centre; none is 422 `no_face`), `all` (every face, possibly none), or
 * per image the index of a face in largest-first order.
 */
export type FacePick = SubjectPick | 'all' | (number | undefined)[]

const area = (b: Box) => b.width * b.height
const rounded = (b: Box): Box => ({
  x: Math.round(b.x),
  y: Math.round(b.y),
  width: Math.round(b.width),
  height: Math.round(b.height),
})

/**
 * Decodes a photo for face detection: a large JPEG (a 12 Mpx phone photo) at 1/2, 1/4 or 1/8
 * scale straight from its DCT coefficients, so its full-size pixels never exist (src/core's
 * decodeFacePhoto; EXIF orientation applied). `factor` maps the result back to the photo.
 */
function decode(img: NamedImage, timing?: ServerTiming): { image: RawImage; factor: number } {
  try {
    const run = () => decodeFacePhoto(img.bytes, IMAGE_LIMITS)
    return timing ? timing.measure('decode', run) : run()
  } catch (err) {
    const api = toApiError(err)
    if (api.status >= 500) throw api
    throw new ApiError(api.status, api.code, `${img.field}: ${api.message}`)
  }
}

/** The faces of one image, largest first (the order `face` indexes in requests). */
async function facesOf(image: RawImage, face: FaceDetection, timing?: ServerTiming) {
  const found = await (timing
    ? timing.measure('detect', () => face.detect(image))
    : face.detect(image))
  return [...found].sort((a, b) => area(b.box) - area(a.box))
}

/**
 * Detects, aligns and embeds the faces of images with a face model (src/core/face: the same
 * pipeline as `npm run eval:faces`), answering each face's box. `role`: queries (classify,
 * verify's `b`, embed) or stored examples (and verify's reference `a`), which a model with
 * `alignment.mirror: 'supports'` averages with their mirror image.
 */
export async function embedFaces(
  model: LoadedModel,
  images: NamedImage[],
  pick: FacePick,
  timing?: ServerTiming,
  role: FaceRole = 'query',
): Promise<EmbeddedFaces> {
  const face = model.face!
  const inputs: Float32Array[] = []
  const faces: FoundFace[] = []
  for (const [i, img] of images.entries()) {
    const { image, factor } = decode(img, timing)
    const found = await facesOf(image, face, timing)
    let chosen: DetectedFace[]
    if (pick === 'all') chosen = found
    else {
      if (found.length === 0)
        throw new ApiError(422, 'no_face', `${img.field}: no face found in the image`)
      const index =
        typeof pick === 'string' ? found.indexOf(pickFace(found, image, pick)!) : (pick[i] ?? 0)
      const f = found[index]
      if (!f)
        throw new ApiError(
          422,
          'invalid_request',
          `${img.field}: face ${index} requested but the image has ${found.length} face(s)`,
        )
      chosen = [f]
    }
    if (faces.length + chosen.length > LIMITS.facesPerRequest)
      throw new ApiError(
        422,
        'too_many_faces',
        `${img.field}: more than ${LIMITS.facesPerRequest} faces in one request; send fewer photos per request`,
      )
    for (const f of chosen) {
      const align = () => alignedInput(image, f, face.spec)
      inputs.push(timing ? timing.measure('preprocess', align) : align())
      const box = {
        x: f.box.x * factor,
        y: f.box.y * factor,
        width: f.box.width * factor,
        height: f.box.height * factor,
      }
      faces.push({ image: i, box: rounded(box), score: Math.round(f.score * 1000) / 1000 })
    }
  }
  const dim = model.manifest.output.dim
  const views = faceViews(face.spec, role)
  const embed = async () =>
    inputs.length
      ? meanOfViews(
          await model.embed(faceInputs(inputs, face.spec, role)),
          inputs.length,
          dim,
          views,
          model.manifest.output.normalized,
        )
      : new Float32Array(0)
  const matrix = await (timing ? timing.measure('embed', embed) : embed())
  return { manifest: model.manifest, ref: model.ref, dim, matrix, faces }
}

/**
 * Embeds images that become stored examples: with a face model, one face per image (the largest,
 * or the requested index) and its box; otherwise over the manifest's enrolment views.
 */
export async function embedExamples(
  model: LoadedModel,
  images: NamedImage[],
  picks: (number | undefined)[] = [],
  timing?: ServerTiming,
): Promise<Embedded & { boxes: Box[] | null }> {
  if (!model.face) return { ...(await embedSupportImages(model, images, timing)), boxes: null }
  const out = await embedFaces(model, images, picks, timing, 'support')
  return { ...out, boxes: out.faces.map((f) => f.box) }
}

/**
 * Verify's two photos with a face model: `a` is the reference, embedded as a stored example would
 * be, and `b` a query, so that their distance is the one classify measures between an enrolled
 * photo and a query (and the model's threshold, calibrated on such pairs, applies).
 */
export async function embedFacePair(
  model: LoadedModel,
  pair: [NamedImage, NamedImage],
  pick: SubjectPick,
  timing?: ServerTiming,
): Promise<EmbeddedFaces> {
  const a = await embedFaces(model, [pair[0]], pick, timing, 'support')
  const b = await embedFaces(model, [pair[1]], pick, timing, 'query')
  const matrix = new Float32Array(a.matrix.length + b.matrix.length)
  matrix.set(a.matrix)
  matrix.set(b.matrix, a.matrix.length)
  return { ...a, matrix, faces: [a.faces[0]!, { ...b.faces[0]!, image: 1 }] }
}
