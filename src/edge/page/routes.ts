import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { PAGE_SCRIPT } from './app-script.gen'
import { devKeyFor } from './dev-key'
import { PAGE_HTML } from './html'
import { SAMPLES } from './samples'
import { PAGE_CSS } from './style'

// The page handles an API key, so it runs nothing but its own same-origin script and talks to
// nothing but this Worker. Drawings are data: and blob: URLs.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const COMMON = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' }
// Assets change with every deploy and are tiny: revalidate rather than cache stale code.
const ASSET = { ...COMMON, 'Cache-Control': 'no-cache' }
const JS = { ...ASSET, 'Content-Type': 'text/javascript; charset=utf-8' }
const CSS = { ...ASSET, 'Content-Type': 'text/css; charset=utf-8' }
const NO_STORE = { ...COMMON, 'Cache-Control': 'no-store' }

/**
 * The demo page at `/` and its assets under `/demo/`. No auth here: the page itself calls the
 * public /v1 API with the key the person enters.
 *
 * @example
 * app.route('/', pageRoutes)
 */
export const pageRoutes = new Hono<AppEnv>()
  .get('/', (c) => c.html(PAGE_HTML, 200, { ...ASSET, 'Content-Security-Policy': CSP }))
  .get('/demo/app.js', (c) => c.body(PAGE_SCRIPT, 200, JS))
  .get('/demo/app.css', (c) => c.body(PAGE_CSS, 200, CSS))
  .get('/demo/samples.json', (c) => c.json(SAMPLES, 200, ASSET))
  // Browsers ask for it on every page: an empty answer they may cache, instead of a 404 in the logs.
  .get('/favicon.ico', (c) =>
    c.body(null, 204, { ...COMMON, 'Cache-Control': 'public, max-age=86400' }),
  )
  .get('/demo/config', (c) => {
    const ip = c.req.header('cf-connecting-ip')
    return c.json({ devKey: devKeyFor(c.env, new URL(c.req.url), ip) }, 200, NO_STORE)
  })
