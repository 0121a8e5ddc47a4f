import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { SWAGGER_UI_CSS, SWAGGER_UI_JS } from './swagger-ui.gen'

// Swagger UI (swagger-ui-dist, copied into the bundle by scripts/build-page.mjs): same-origin
// scripts only. Swagger UI sets inline styles, and its "Try it out" calls this origin.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>One-shot edge API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><noscript>This page needs JavaScript; the machine-readable reference is
<a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</noscript><div id="ui"></div>
<script src="/docs/swagger-ui.js"></script><script src="/docs/init.js"></script></body></html>
`

// "Authorize" once with the key, then "Try it out" on any route; the key stays in the page.
const INIT_JS = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#ui',
  deepLinking: true,
  displayRequestDuration: true,
  tryItOutEnabled: false,
  defaultModelsExpandDepth: 0,
})
`

const COMMON = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' }
// The bundle changes only with swagger-ui-dist: an hour of caching, then revalidate.
const ASSET = { ...COMMON, 'Cache-Control': 'public, max-age=3600' }

/**
 * The interactive API reference at `/docs`: Swagger UI over `/openapi.json`, every file served by
 * this Worker (no CDN), under a CSP that allows only same-origin scripts and requests.
 *
 * @example
 * app.route('/', docsRoutes)
 */
export const docsRoutes = new Hono<AppEnv>()
  .get('/docs', (c) =>
    c.html(DOCS_HTML, 200, {
      ...COMMON,
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': CSP,
    }),
  )
  .get('/docs/swagger-ui.js', (c) =>
    c.body(SWAGGER_UI_JS, 200, { ...ASSET, 'Content-Type': 'text/javascript; charset=utf-8' }),
  )
  .get('/docs/swagger-ui.css', (c) =>
    c.body(SWAGGER_UI_CSS, 200, { ...ASSET, 'Content-Type': 'text/css; charset=utf-8' }),
  )
  .get('/docs/init.js', (c) =>
    c.body(INIT_JS, 200, { ...ASSET, 'Content-Type': 'text/javascript; charset=utf-8' }),
  )
