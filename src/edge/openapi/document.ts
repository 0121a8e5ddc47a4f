import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv } from '../env'
import { examplesPerSetFor, LIMITS } from '../limits'
import { ErrorSchema, registerComponents } from '../schemas'
import { withCurlSamples } from './curl-samples'
import { docsRoutes } from './docs-page'

const DESCRIPTION = `One-shot image classification: support sets of labelled example images, classified by nearest
embedding. Every /v1 route needs \`Authorization: Bearer <key>\`. Errors are \`{"error":{"code","message"}}\`.
Limits: image ${LIMITS.imageBytes} bytes, ${LIMITS.imageSide} px per side, ${LIMITS.imagePixels} pixels (413);
${LIMITS.requestPixels} decoded pixels per request (413 \`pixel_budget_exceeded\`); body ${LIMITS.bodyBytes} bytes (413); ${LIMITS.imagesPerRequest} images per request and labels of at most
${LIMITS.labelLength} characters (422); ${LIMITS.examplesPerSet} examples per set (fewer for models over 128 dimensions:
${examplesPerSetFor(1024)} at 1024-d) and ${LIMITS.setsPerTenant} sets per tenant (429). Requests are rate limited per key and per tenant (429 \`rate_limited\` with \`Retry-After\`).
Creating and deleting sets, adding and deleting examples and erasing labels take an optional \`Idempotency-Key\`
header: a retry with the same key answers the first result (\`Idempotent-Replayed: true\`). Several models are served side by side (GET /v1/models); a set keeps the model it was embedded
with and is re-embedded in the background when its alias (\`default\` unless created with another) moves to a new model
(\`POST /v1/sets/{id}/reembed\`, \`POST /v1/migrations\`), answering from its old model until it switches atomically.

Every route's description ends with a curl line; set \`U\` to this API's origin, \`KEY\` to your key,
\`SET\` to a set id, and have a PNG at \`glyph.png\`. **Authorize** with the key to use **Try it out**.`

const config = (c: Context) => ({
  openapi: '3.1.0',
  info: { title: 'One-shot edge API', version: '1', description: DESCRIPTION },
  servers: [{ url: new URL(c.req.url).origin }],
})

/**
 * Serves the OpenAPI 3.1 document (generated from the zod schemas that validate requests) at
 * /openapi.json, each operation with a curl line, and Swagger UI over it at /docs.
 */
export function mountOpenApi(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'admin', {
    type: 'http',
    scheme: 'bearer',
    description: 'an admin key (ADMIN_KEYS; the dev key under wrangler dev): /admin routes only',
  })
  app.openAPIRegistry.register('Error', ErrorSchema)
  registerComponents(app.openAPIRegistry)
  app.get('/openapi.json', (c) => c.json(withCurlSamples(app.getOpenAPI31Document(config(c)))))
  app.route('/', docsRoutes)
}
