// The Faces tab's camera: a live preview; a capture sends one frame, shrunk like an upload.
import { UiError } from './api'
import { $ } from './dom'
import { photoFrom, type Photo } from './photos'

export interface Camera {
  start(): Promise<void>
  stop(): void
  capture(): Promise<Photo>
}

/** The message for a getUserMedia failure. */
export function cameraError(err: unknown): UiError {
  const e = err as { name?: string; message?: string } | null
  const name = e?.name
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return new UiError(
      'The camera is blocked for this page; allow it in the browser, or upload a photo instead.',
    )
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return new UiError('No camera found; upload a photo instead.')
  if (name === 'NotReadableError')
    return new UiError('The camera is busy (another application is using it).')
  return new UiError(`Could not start the camera${e?.message ? `: ${e.message}` : '.'}`)
}

export function createCamera(video: HTMLVideoElement): Camera {
  let stream: MediaStream | null = null
  const status = (text: string) => {
    $('camera-status').textContent = text
  }
  function frameReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (video.readyState >= 2 && video.videoWidth) return resolve()
      const timer = setTimeout(() => reject(new UiError('The camera sent no picture.')), 5000)
      video.addEventListener(
        'loadeddata',
        () => {
          clearTimeout(timer)
          resolve()
        },
        { once: true },
      )
    })
  }
  return {
    async start() {
      if (stream) return
      const media = navigator.mediaDevices
      if (!media?.getUserMedia)
        throw new UiError(
          'No camera here: this browser offers none to this page (cameras need HTTPS or ' +
            'localhost). Upload a photo instead.',
        )
      status('Starting the camera...')
      try {
        stream = await media.getUserMedia({
          video: { facingMode: 'user', width: { ideal: 1280 } },
          audio: false,
        })
      } catch (err) {
        status('Camera off.')
        throw cameraError(err)
      }
      video.srcObject = stream
      video.hidden = false
      await Promise.resolve(video.play()).catch(() => {})
      await frameReady()
      status(`Camera on (${video.videoWidth}x${video.videoHeight}). Capture a frame below.`)
    },
    stop() {
      if (!stream) return
      for (const t of stream.getTracks()) t.stop()
      stream = null
      video.srcObject = null
      video.hidden = true
      status('Camera off.')
    },
    async capture() {
      if (!stream) throw new UiError('Start the camera first.')
      await frameReady()
      return photoFrom(video, video.videoWidth, video.videoHeight)
    },
  }
}
