// What every tab's wiring shares: the API client, the action wrapper, the key field.
import { UiError, type Api } from './api'

/** Wraps an event handler as an action: see {@link createAction}. */
export type Action = (fn: () => unknown) => () => Promise<void>

export interface PageContext {
  api: Api
  action: Action
  keyInput: HTMLInputElement
  /** Settles (never rejects) once the key field holds what the page starts with. */
  configLoaded: Promise<void>
}

/**
 * Each action clears the alert, disables `buttons` and marks `main` busy while it runs (one
 * request at a time), and puts any failure's message in the alert region.
 */
export function createAction(
  main: HTMLElement,
  alertBox: HTMLElement,
  buttons: HTMLButtonElement[],
): Action {
  return (fn) => async () => {
    alertBox.textContent = ''
    for (const b of buttons) b.disabled = true
    main.setAttribute('aria-busy', 'true')
    try {
      await fn()
    } catch (err) {
      alertBox.textContent = err instanceof UiError ? err.message : `Unexpected error: ${err}`
    }
    for (const b of buttons) b.disabled = false
    main.removeAttribute('aria-busy')
  }
}

/** A value kept in this browser's localStorage; null when there is none or storage is off. */
export function recall(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

/** Keeps (or, given null, forgets) a value in localStorage; without storage it is not kept. */
export function remember(key: string, value: string | null): void {
  try {
    if (value) localStorage.setItem(key, value)
    else localStorage.removeItem(key)
  } catch {
    /* storage off: the value lasts as long as the page */
  }
}

/** Rethrows anything but a 404 (a thing already gone is what a deletion wants). */
export function unless404(err: unknown): void {
  if (!(err instanceof UiError && err.status === 404)) throw err
}
