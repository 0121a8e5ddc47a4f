// `npm run models -- <command>`: publish, list, show, retire and alias models in a deployment's
// model store, and migrate its sets, over the Worker's admin API (scripts/model-admin.ts).
// `npm run models -- help` prints the usage.
import { parseArgs } from 'node:util'
import {
  AdminError,
  devKey,
  listModels,
  migrateAll,
  publishModel,
  retireModel,
  setAlias,
  showModel,
  type CatalogueView,
} from './model-admin'

const USAGE = `usage: npm run models -- <command> [options]

commands:
  publish <id> [--default] [--alias <name>]... [--dir models]
                         upload <dir>/<id>.onnx + <dir>/<id>.json (same bytes again: aliases only)
  list [--json]          the catalogue: models, aliases, the default, sets per model
  show <id|alias>        one model with its manifest (JSON)
  retire <id>            remove a model (refused while a set uses it or an alias names it)
  alias <name> <id>      point an alias at a model ("default" is the deployment's default)
  migrate [--tenant <t>] [--wait] [--timeout <s>]
                         re-embed every set whose alias now names another model; --wait: until
                         no set is left to start or still running
  help

options:
  --url <url>            the Worker (default http://127.0.0.1:8787, i.e. npm start)
  --key <key>            an admin key (default: $ONESHOT_ADMIN_KEY, else DEV_API_KEY in .dev.vars)`

class UsageError extends Error {}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        url: { type: 'string', default: 'http://127.0.0.1:8787' },
        key: { type: 'string' },
        dir: { type: 'string', default: 'models' },
        alias: { type: 'string', multiple: true, default: [] },
        default: { type: 'boolean', default: false },
        tenant: { type: 'string' },
        wait: { type: 'boolean', default: false },
        timeout: { type: 'string', default: '600' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
  } catch (err) {
    console.error(`models: ${err instanceof Error ? err.message : err}\n\n${USAGE}`)
    process.exit(1)
  }
})()

const [command = 'help', ...rest] = positionals
const url = values.url
const KiB = (n: number) => `${(n / 1024).toFixed(0)} KiB`

function args(n: number, names: string): string[] {
  if (rest.length !== n) throw new UsageError(`${command} takes ${names}`)
  return rest
}

function adminKey(): string {
  const key = values.key ?? process.env.ONESHOT_ADMIN_KEY ?? devKey()
  if (!key) throw new UsageError('no admin key: pass --key or set ONESHOT_ADMIN_KEY')
  return key
}

function printCatalogue(c: CatalogueView): void {
  console.log(`catalogue v${c.version} at ${url}: default ${c.default ?? '(none)'}`)
  if (!c.models.length) console.log('  no models published')
  for (const m of c.models)
    console.log(
      `  ${m.id}  sha256 ${m.sha256.slice(0, 12)}  ${KiB(m.bytes)}  ${m.sets} set(s)  ` +
        `published ${m.publishedAt}${m.aliases.length ? `  aliases: ${m.aliases.join(', ')}` : ''}`,
    )
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function migrate(key: string): Promise<void> {
  const timeoutS = Number(values.timeout)
  if (!(timeoutS > 0)) throw new UsageError('--timeout: seconds, more than 0')
  const scope = values.tenant ? `tenant ${values.tenant}` : 'every tenant'
  const deadline = Date.now() + timeoutS * 1000
  for (let pass = 1; ; pass++) {
    const s = await migrateAll(url, key, { tenant: values.tenant })
    console.log(
      `${values.wait ? `pass ${pass}, ` : ''}${scope}: ${s.started} started, ${s.running} ` +
        `still re-embedding, ${s.current} on their model, ${s.skipped.length} skipped`,
    )
    const settled = s.started === 0 && s.running === 0
    if (!values.wait || settled) {
      for (const k of s.skipped) console.log(`  skipped ${k.set}: ${k.reason}`)
      if (!values.wait && !settled)
        console.log('sets answer from their old model until their job is done (GET /v1/sets/:id)')
      return
    }
    if (Date.now() > deadline)
      throw new Error(`migrate: sets still re-embedding after ${timeoutS} s (run it again)`)
    await sleep(2000)
  }
}

async function main(): Promise<void> {
  if (values.help || command === 'help') return console.log(USAGE)
  switch (command) {
    case 'publish': {
      const [id] = args(1, '<id>')
      const r = await publishModel(url, adminKey(), values.dir, id!, {
        aliases: values.alias,
        default: values.default,
      })
      const m = r.catalogue.models.find((x) => x.id === id)
      console.log(
        `${r.created ? 'published' : 'already published (same bytes)'} ${id}` +
          (m ? `: sha256 ${m.sha256.slice(0, 12)}, ${KiB(m.bytes)}` : '') +
          (m?.aliases.length ? `, aliases: ${m.aliases.join(', ')}` : ''),
      )
      if (values.default || values.alias.length)
        console.log(
          'sets following a moved alias keep their model until `npm run models -- migrate`',
        )
      return
    }
    case 'list': {
      args(0, 'no arguments')
      const c = await listModels(url, adminKey())
      return values.json ? console.log(JSON.stringify(c, null, 2)) : printCatalogue(c)
    }
    case 'show': {
      const [id] = args(1, '<id or alias>')
      return console.log(JSON.stringify(await showModel(url, adminKey(), id!), null, 2))
    }
    case 'retire': {
      const [id] = args(1, '<id>')
      await retireModel(url, adminKey(), id!)
      return console.log(`retired ${id}`)
    }
    case 'alias': {
      const [name, id] = args(2, '<name> <id>')
      const c = await setAlias(url, adminKey(), name!, id!)
      console.log(`${name} -> ${c.aliases[name!] ?? id}`)
      return console.log('sets following it keep their model until `npm run models -- migrate`')
    }
    case 'migrate':
      args(0, 'no arguments')
      return migrate(adminKey())
    default:
      throw new UsageError(`unknown command '${command}'`)
  }
}

try {
  await main()
} catch (err) {
  if (err instanceof UsageError) console.error(`models: ${err.message}\n\n${USAGE}`)
  else if (err instanceof AdminError && err.status)
    console.error(`models: ${err.status} ${err.code}: ${err.message}`)
  else console.error(`models: ${err instanceof Error ? err.message : err}`)
  process.exit(1)
}
