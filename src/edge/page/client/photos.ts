// Photos for the Faces tab. Every photo (file or camera frame) is drawn into a canvas whose longer
// side is at most 1024 px and sent as JPEG (quality 0.9), so uploads stay far inside the API's
// limits (4096 px a side, 4 Mpx, 5 MB); the boxes the API answers are in that canvas's pixels, so
// they are drawn on it as they are.
import { UiError } from './api'
import { loadImage, readDataUrl } from './dom'

export const MAX_SIDE = 1024

/** What the API sees (`canvas`) and what is sent (`image`, a JPEG data: URL of it). */
export interface Photo {
  canvas: HTMLCanvasElement
  image: string
}

/** A face box in a photo's pixels. */
export interface Box {
  x: number
  y: number
  width: number
  height: number
}

/** A box to draw on a photo, in `color`, captioned `text` (none when empty). */
export interface Marked {
  box?: Box
  color: string
  text: string
}

/** The size a `width` x `height` image is shrunk to: at most `max` px on its longer side. */
export function shrunkSize(width: number, height: number, max = MAX_SIDE): [number, number] {
  const scale = Math.min(1, max / Math.max(width, height))
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))]
}

/** Draws an image, video frame or canvas into a canvas at most MAX_SIDE px on its longer side. */
function shrink(source: CanvasImageSource, width: number, height: number): HTMLCanvasElement {
  const c = document.createElement('canvas')
  ;[c.width, c.height] = shrunkSize(width, height)
  c.getContext('2d')!.drawImage(source, 0, 0, c.width, c.height)
  return c
}

export async function photoFrom(
  source: CanvasImageSource,
  width: number,
  height: number,
): Promise<Photo> {
  if (!width || !height) throw new UiError('The image is empty.')
  const canvas = shrink(source, width, height)
  const blob = await new Promise<Blob>((resolve, reject) => {
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new UiError('Could not encode the photo as JPEG.'))),
      'image/jpeg',
      0.9,
    )
  })
  return { canvas, image: await readDataUrl(blob) }
}

export async function photoFromFile(file: File): Promise<Photo> {
  const url = URL.createObjectURL(file)
  let img: HTMLImageElement
  try {
    img = await loadImage(url)
  } catch {
    throw new UiError(`Could not read ${file.name} as an image (JPEG or PNG).`)
  } finally {
    URL.revokeObjectURL(url)
  }
  return photoFrom(img, img.naturalWidth, img.naturalHeight)
}

/**
 * Where a caption `tw` x `th` goes for a box at (x, y) of height h on a `W` x `H` canvas: above
 * the box when it fits, else below it, never past the edges.
 */
export function captionAt(
  x: number,
  y: number,
  h: number,
  tw: number,
  th: number,
  W: number,
  H: number,
): [number, number] {
  return [Math.max(0, Math.min(x, W - tw)), y - th >= 0 ? y - th : Math.min(y + h, H - th)]
}

/**
 * Shows a photo on a canvas with a box and a caption per face. The canvas is drawn at the
 * resolution it is shown at (at least the photo's), so captions stay sharp.
 */
export function drawFaces(target: HTMLCanvasElement, photo: Photo, faces: Marked[]): void {
  const src = photo.canvas
  target.hidden = false
  target.width = src.width
  target.height = src.height
  const shown = target.getBoundingClientRect().width || src.width
  const k = Math.max(1, Math.min(4, (shown * (window.devicePixelRatio || 1)) / src.width))
  target.width = Math.round(src.width * k)
  target.height = Math.round(src.height * k)
  const px = target.width / shown // canvas pixels per CSS pixel
  const ctx = target.getContext('2d')!
  ctx.drawImage(src, 0, 0, target.width, target.height)
  const size = Math.round(13 * px)
  const pad = Math.round(3 * px)
  ctx.font = `600 ${size}px system-ui, sans-serif`
  ctx.textBaseline = 'bottom'
  for (const f of faces) {
    if (!f.box) continue
    const [x, y, w, h] = [f.box.x * k, f.box.y * k, f.box.width * k, f.box.height * k]
    ctx.lineWidth = Math.max(2, Math.round(3 * px))
    ctx.strokeStyle = f.color
    ctx.strokeRect(x, y, w, h)
    if (!f.text) continue
    const tw = ctx.measureText(f.text).width + 2 * pad
    const th = size + 2 * pad
    const [tx, ty] = captionAt(x, y, h, tw, th, target.width, target.height)
    ctx.fillStyle = f.color
    ctx.fillRect(tx, ty, tw, th)
    ctx.fillStyle = '#fff'
    ctx.fillText(f.text, tx + pad, ty + th - pad)
  }
}

/** A square crop around a box (with some margin), as a small JPEG data: URL. */
export function faceThumb(photo: Photo, box: Box): string {
  const side = Math.max(box.width, box.height) * 1.3
  const cx = box.x + box.width / 2
  const cy = box.y + box.height / 2
  const c = document.createElement('canvas')
  c.width = c.height = 112
  const ctx = c.getContext('2d')!
  ctx.fillStyle = '#eef0f3'
  ctx.fillRect(0, 0, c.width, c.height)
  ctx.drawImage(photo.canvas, cx - side / 2, cy - side / 2, side, side, 0, 0, c.width, c.height)
  return c.toDataURL('image/jpeg', 0.85)
}
