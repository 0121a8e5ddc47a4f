// The demo page's script, served bundled at /demo/app.js (scripts/build-page.mjs): wires the key
// field, the Characters tab (chars.ts), the Faces tab (faces.ts) and the tabs between them.
import { createApi } from './api'
import { setupChars } from './chars'
import { createAction, type PageContext } from './context'
import { $ } from './dom'
import { setupFaces } from './faces'
import { setupTabs } from './tabs'

const main = document.querySelector('main')!
const keyInput = $<HTMLInputElement>('key')
// Every button but the tabs waits while an action runs (one request at a time).
const buttons = Array.from(document.querySelectorAll<HTMLButtonElement>('button:not([role=tab])'))

// The dev key is offered only by a local wrangler dev (see /demo/config); never stored.
async function loadConfig(): Promise<void> {
  const r = await fetch('/demo/config')
  const cfg = (r.ok ? await r.json() : {}) as { devKey?: string | null }
  if (cfg.devKey && !keyInput.value) {
    keyInput.value = cfg.devKey
    $('key-note').textContent = 'Prefilled with the local development key (DEV_API_KEY).'
  } else if (!keyInput.value) {
    $('key-note').textContent = 'Enter your API key; it stays in this page only.'
  }
}

const page: PageContext = {
  api: createApi(keyInput),
  action: createAction(main, $('alert'), buttons),
  keyInput,
  configLoaded: loadConfig().catch(() => {}),
}
setupChars(page)
setupTabs(setupFaces(page))
