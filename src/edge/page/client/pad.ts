// The drawing pad, in the browser. Pointer events cover mouse, touch and pen alike; pointer
// capture keeps a stroke going when it leaves the canvas. Strokes are thick and round, black on
// an opaque white background (an exported PNG must not be transparent: the model sees ink).
import { UiError } from './api'
import { loadImage, readDataUrl } from './dom'

export interface Pad {
  reset(): void
  isEmpty(): boolean
  /** Shows an image (a sample or an uploaded query) on the pad, whole and centred. */
  show(url: string): Promise<void>
  /** The drawing as a PNG data: URL. */
  png(): Promise<string>
}

type Point = [number, number]
type Box = [x: number, y: number, width: number, height: number]

/** Where an image of `w` x `h` goes to fit a `W` x `H` box whole, centred: [x, y, width, height]. */
export function fitContain(w: number, h: number, W: number, H: number): Box {
  const k = Math.min(W / w, H / h)
  const width = w * k
  const height = h * k
  return [(W - width) / 2, (H - height) / 2, width, height]
}

export function createPad(canvas: HTMLCanvasElement): Pad {
  const ctx = canvas.getContext('2d')!
  let last: Point | null = null
  let inked = false
  function reset() {
    ctx.fillStyle = '#fff'
    ctx.fillRect(0, 0, canvas.width, canvas.height)
    ctx.lineCap = 'round'
    ctx.lineJoin = 'round'
    ctx.strokeStyle = '#000'
    ctx.fillStyle = '#000'
    // About Omniglot's stroke width relative to its 105 px drawings, a bit bolder.
    ctx.lineWidth = Math.round(canvas.width / 22)
    inked = false
  }
  function at(e: PointerEvent): Point {
    const r = canvas.getBoundingClientRect()
    const sx = canvas.width / r.width
    const sy = canvas.height / r.height
    return [(e.clientX - r.left) * sx, (e.clientY - r.top) * sy]
  }
  function dot(p: Point) {
    ctx.beginPath()
    ctx.arc(p[0], p[1], ctx.lineWidth / 2, 0, Math.PI * 2)
    ctx.fill()
    inked = true
  }
  function lineTo(from: Point, p: Point) {
    ctx.beginPath()
    ctx.moveTo(from[0], from[1])
    ctx.lineTo(p[0], p[1])
    ctx.stroke()
    last = p
    inked = true
  }
  canvas.addEventListener('pointerdown', (e) => {
    if (e.pointerType === 'mouse' && e.button !== 0) return
    e.preventDefault()
    canvas.setPointerCapture(e.pointerId)
    last = at(e)
    dot(last)
  })
  canvas.addEventListener('pointermove', (e) => {
    if (!last) return
    e.preventDefault()
    // Coalesced events keep fast strokes smooth where the browser batches them.
    let events = e.getCoalescedEvents ? e.getCoalescedEvents() : []
    if (!events.length) events = [e]
    for (const ev of events) lineTo(last, at(ev))
  })
  const end = () => {
    last = null
  }
  canvas.addEventListener('pointerup', end)
  canvas.addEventListener('pointercancel', end)
  reset()
  return {
    reset,
    isEmpty: () => !inked,
    async show(url) {
      const img = await loadImage(url)
      reset()
      const [x, y, w, h] = fitContain(
        img.naturalWidth,
        img.naturalHeight,
        canvas.width,
        canvas.height,
      )
      ctx.drawImage(img, x, y, w, h)
      inked = true
    },
    async png() {
      const blob = await new Promise<Blob>((resolve, reject) => {
        canvas.toBlob(
          (b) => (b ? resolve(b) : reject(new UiError('could not export the drawing'))),
          'image/png',
        )
      })
      return readDataUrl(blob)
    },
  }
}
