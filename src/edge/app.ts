import { OpenAPIHono } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { adminAuth, bearerAuth, rateLimit } from './auth'
import type { AppEnv } from './env'
import { ApiError, notFound, onError } from './errors'
import { LIMITS } from './limits'
import { mountOpenApi } from './openapi'
import { pageRoutes } from './page'
import {
  adminRoutes,
  bulkRoutes,
  classifyRoutes,
  embedRoutes,
  episodeRoutes,
  exampleRoutes,
  healthRoutes,
  setRoutes,
} from './routes'
import { ModelStore } from './models'
import { serverTiming } from './timing'

/**
 * Builds the Hono app. Models come from the deployment's model store (the CATALOGUE object and
 * the MODELS bucket), not from the bundle. The chained `.route()` calls keep every route's types, so `AppType`
 * (below) gives hono/client a fully typed client. Other sub-apps (e.g. a demo page) mount with
 * `app.route('/', pageRoutes)`.
 *
 * @example
 * export default createApp()
 */
export function createApp() {
  const app = new OpenAPIHono<AppEnv>()
  app.onError(onError)
  app.notFound(notFound)
  app.use('*', async function registry(c, next) {
    c.set('models', new ModelStore(c.env))
    await next()
  })
  app.use('/v1/*', serverTiming()) // first, so `total` covers auth and body parsing too
  app.use('/v1/*', bearerAuth())
  app.use('/v1/*', rateLimit())
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: LIMITS.bodyBytes,
      onError: () => {
        throw new ApiError(
          413,
          'payload_too_large',
          `request body is larger than ${LIMITS.bodyBytes} bytes`,
        )
      },
    }),
  )
  app.use('/admin/*', serverTiming())
  app.use('/admin/*', adminAuth())
  const routes = app
    .route('/', healthRoutes)
    .route('/', embedRoutes)
    .route('/', setRoutes)
    .route('/', exampleRoutes)
    .route('/', bulkRoutes)
    .route('/', classifyRoutes)
    .route('/', episodeRoutes)
    .route('/', adminRoutes)
  mountOpenApi(app)
  app.route('/', pageRoutes)
  return routes
}

/** The app's route types, for `hc<AppType>()` (see client.ts). */
export type AppType = ReturnType<typeof createApp>
