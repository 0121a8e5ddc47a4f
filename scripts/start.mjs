#!/usr/bin/env node
// `npm start`: wrangler dev on http://127.0.0.1:8787 with local KV, R2 and Durable Objects
// persisted under .wrangler/state; once it serves, the models listed in models/catalogue.json are
// published to the local model store (already there: left as they are, aliases re-applied).
// The dev key is in .dev.vars. `PORT=8788 npm start` serves on another port.
import { tsImport } from 'tsx/esm/api'

const { startWranglerDev } = await tsImport('./wrangler-dev.ts', import.meta.url)
try {
  const server = await startWranglerDev({
    port: Number(process.env.PORT || 8787),
    persistTo: '.wrangler/state',
    echo: true,
    seed: true,
    watchPage: true,
  })
  const store = server.catalogue
  const models = store?.models.map((m) => m.id).join(', ') || 'none'
  console.log(`\nLocal model store: ${models}; default ${store?.default ?? 'none'}`)
  console.log('(seeded from models/catalogue.json; manage it with `npm run models -- help`)')
  console.log(`Ready: ${server.url}/healthz, ${server.url}/docs`)
  console.log(
    "Dev key (from .dev.vars): curl -H 'Authorization: Bearer dev-local-key' " +
      `${server.url}/v1/sets`,
  )
  const shutdown = () => server.stop().then(() => process.exit(0))
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
  process.on('SIGHUP', shutdown)
} catch (err) {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
}
