// A `wrangler dev` with fresh local state in a temp folder, serving only the shipped default model
// (seeding the whole catalogue, face models included, takes much longer).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readCatalogueFile } from '../../scripts/model-admin'
import { startWranglerDev, type DevServer } from '../../scripts/wrangler-dev'

/** The dev key these servers accept (as .dev.vars does). */
export const DEV_KEY = 'dev-local-key'

/**
 * Starts the server serving `model` (default: the catalogue's default); `close()` stops it and
 * removes its state.
 */
export async function startDefaultModelServer(
  name: string,
  model: string = readCatalogueFile().default!,
): Promise<{ server: DevServer; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `oneshot-${name}-`))
  const server = await startWranglerDev({
    persistTo: join(dir, 'state'),
    vars: { DEV_API_KEY: DEV_KEY },
    seed: { catalogue: { default: model, aliases: {}, models: [model] } },
  })
  const close = async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  return { server, close }
}
