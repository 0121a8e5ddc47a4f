// Small DOM helpers shared by the page's modules.
import { UiError } from './api'

/** The element with this id; a missing one is a bug in the page, so it throws. */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id)
  if (!e) throw new Error(`#${id} is missing from the page`)
  return e as T
}

/** A new element, with its text when given. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  if (text !== undefined) e.textContent = text
  return e
}

export function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image()
    img.onload = () => resolve(img)
    img.onerror = () => reject(new UiError('could not load an image'))
    img.src = url
  })
}

/** A blob or file as a data: URL. */
export function readDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => resolve(String(r.result))
    r.onerror = () => {
      const name = blob instanceof File ? blob.name : 'the image'
      reject(new UiError(`could not read ${name}`))
    }
    r.readAsDataURL(blob)
  })
}

/** The files chosen in a file input, which is emptied (the same file may be chosen again). */
export function takeFiles(id: string): File[] {
  const input = $<HTMLInputElement>(id)
  const files = Array.from(input.files ?? [])
  input.value = ''
  return files
}

/** A file name without its extension, as a label (at most `max` characters). */
export function labelFromFileName(name: string, max: number): string {
  return name.replace(/\.[^.]*$/, '').slice(0, max)
}
