// `npx oneshot <command>` (bin/oneshot.mjs): support sets, folder import, classify and verify
// over the API's typed client (src/edge/client.ts).
import { parseArgs } from 'node:util'
import { CliError, connect, DEFAULT_URL, ok, resolveTarget, type CreatedSet } from './api'
import { LIMITS } from '../edge/limits'
import { bulkUpload } from './bulk'
import { classify, formatRows, verify, type Format } from './classify'
import { importFolder } from './import'

const COMMON = `options for every command:
  --url <url>    the Worker (default $ONESHOT_URL, else ${DEFAULT_URL}, i.e. npm start)
  --key <key>    an API key (default $ONESHOT_KEY; for a loopback URL, DEV_API_KEY of .dev.vars)
  -h, --help     this command's help`

const HELP: Record<string, string> = {
  '': `usage: oneshot <command> [options]

commands:
  sets create <name> [--model m]     create a support set (prints its id)
  sets list [--json]                 the sets: id, name, examples, labels, model
  sets delete <id>                   delete a set and its examples
  import <folder> [--set id | --name n] [--model m] [--failures f.json] [--retry f.json]
                                     class sub-folders -> labelled examples
  bulk <set> <file.ndjson> [--lines n]
                                     upload an NDJSON file (npm run embed) in resumable chunks
  classify <image|folder> --set id [--format table|csv|json] [--k n] [--strong]
  verify <a> <b> [--model m]         whether two images show the same thing

${COMMON}`,
  sets: `usage:
  oneshot sets create <name> [--model m]   create a set; --model: a model id or alias
  oneshot sets list [--json]               every set of the key's tenant
  oneshot sets delete <id>                 delete a set with its examples

${COMMON}`,
  import: `usage: oneshot import <folder> [--set id | --name n] [--model m] [options]

Every PNG or JPEG in a class sub-folder (<folder>/<label>/...) becomes an example labelled with
the sub-folder's name: up to 32 images per request, --concurrency requests in flight (default 4),
with a progress bar on a terminal (plain lines otherwise). Without --set, a set is created, named
--name (default: the folder's name), with --model. Files that fail are listed in --failures
(default oneshot-failures.json) and the exit code is 1; --retry <that file> imports them again.

  --set <id>            add to this set
  --name <n>            name of the set to create
  --model <m>           model of the set to create (id or alias)
  --failures <file>     where to list failed files (default oneshot-failures.json; with
                        --retry, the retried file: what still fails replaces it)
  --retry <file>        import only the files a previous run listed (into its set)
  --concurrency <n>     requests in flight (default 4)

${COMMON}`,
  bulk: `usage: oneshot bulk <set> <file.ndjson> [--lines n]

Uploads an NDJSON file to POST /v1/sets/<set>/examples/bulk: one example per line, either
{"label", "embedding", "model", "sha256"} (what \`npm run embed\` writes: embeddings of the set's
model) or {"label", "image"} (base64, embedded by the Worker; at most 32 per request). --lines
lines per request (default 1000), one request at a time, with a progress bar. Each request carries
an Idempotency-Key made from the set, its position and its lines: when an upload stops (an error,
a malformed line, a lost connection), run the same command again: the requests already stored are
replayed, not added twice. Rejected lines are listed with their line numbers (exit code 1).

  --lines <n>           lines per request (1 to 5000, default 1000)

${COMMON}`,
  classify: `usage: oneshot classify <image|folder> --set id [--format table|csv|json] [--k n]

Classifies one image, or every PNG/JPEG under a folder (32 per request, --concurrency in flight).
table: file, label, unknown, distance, similarity. csv adds top (label:distance;...). json: an
array of { file, label, unknown, distance, similarity, top }.

  --set <id>            the support set (required)
  --format <f>          table (default), csv or json
  --k <n>               labels in top (default 5)
  --strong              read the set through its Durable Object, not the KV snapshot (sees
                        examples added a moment ago)
  --concurrency <n>     requests in flight (default 4)

${COMMON}`,
  verify: `usage: oneshot verify <a> <b> [--model m]

Whether two images show the same thing (same character, same face): distance against the model's
calibrated threshold.

  --model <m>           model id or alias (default: the deployment's default)

${COMMON}`,
}

const OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  model: { type: 'string' },
  set: { type: 'string' },
  name: { type: 'string' },
  format: { type: 'string', default: 'table' },
  k: { type: 'string', default: '5' },
  concurrency: { type: 'string', default: '4' },
  lines: { type: 'string', default: '1000' },
  failures: { type: 'string' },
  retry: { type: 'string' },
  json: { type: 'boolean', default: false },
  strong: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const

const int = (flag: string, v: string, min: number, max: number) => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CliError(`--${flag} must be an integer from ${min} to ${max}`)
  return n
}

/**
 * Runs one command line (without `node` and the script) and returns the exit code: 0 done,
 * 1 failed (the API's error message on stderr), 2 a usage error.
 * @example process.exitCode = await main(['sets', 'list'])
 */
export async function main(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true })
  } catch (err) {
    console.error(`oneshot: ${err instanceof Error ? err.message : err}\n\n${HELP['']}`)
    return 2
  }
  const { values: v, positionals } = parsed
  const [command = '', ...args] = positionals
  if (v.help || command === '' || command === 'help') {
    const topic = command === 'help' ? (args[0] ?? '') : command
    console.log(HELP[topic] ?? HELP[''])
    return 0
  }
  const usage = (msg: string) => {
    console.error(`oneshot ${command}: ${msg}\n\n${HELP[command] ?? HELP['']}`)
    return 2
  }
  if (!HELP[command]) return usage(`unknown command '${command}'`)
  const log = (line: string) => console.log(line)
  try {
    const api = () => connect(resolveTarget(v, env))
    const concurrency = int('concurrency', v.concurrency, 1, 16)
    switch (command) {
      case 'sets': {
        const [sub, arg] = args
        if (sub === 'create' && arg) {
          const set = (await ok(
            api().v1.sets.$post({ json: { name: arg, model: v.model } }),
          )) as CreatedSet
          log(v.json ? JSON.stringify(set, null, 2) : set.id)
        } else if (sub === 'list') {
          const sets = []
          let cursor: string | undefined
          do {
            const page = await ok(api().v1.sets.$get({ query: { limit: '100', cursor } }))
            sets.push(...page.sets)
            cursor = page.cursor ?? undefined
          } while (cursor)
          if (v.json) log(JSON.stringify(sets, null, 2))
          else
            for (const s of sets)
              log(
                `${s.id}  ${s.name ?? '-'}  ${s.count} examples  ${s.labels.length} labels  ${s.model ?? '-'}`,
              )
        } else if (sub === 'delete' && arg) {
          await ok(api().v1.sets[':id'].$delete({ param: { id: arg } }))
          log(`deleted ${arg}`)
        } else return usage('expected create <name>, list or delete <id>')
        return 0
      }
      case 'import': {
        if (v.set && v.name) return usage('give --set or --name, not both')
        return await importFolder(
          api(),
          args[0],
          { ...v, concurrency, failures: v.failures ?? v.retry ?? 'oneshot-failures.json' },
          log,
        )
      }
      case 'bulk': {
        if (args.length !== 2) return usage('give a set id and an NDJSON file')
        const lines = int('lines', v.lines, 1, LIMITS.bulkLines)
        const opts = { lines, attempts: 4, backoff: 1 }
        return await bulkUpload(resolveTarget(v, env), args[0]!, args[1]!, opts, log)
      }
      case 'classify': {
        if (!args[0] || !v.set) return usage('give an image or folder and --set <id>')
        if (!['table', 'csv', 'json'].includes(v.format))
          return usage(`--format must be table, csv or json`)
        const k = int('k', v.k, 1, 50)
        const rows = await classify(api(), args[0], {
          set: v.set,
          k,
          concurrency,
          consistency: v.strong ? 'strong' : undefined,
        })
        log(formatRows(rows, v.format as Format))
        return 0
      }
      case 'verify': {
        if (args.length !== 2) return usage('give two images')
        log(await verify(api(), args[0]!, args[1]!, v.model))
        return 0
      }
    }
    return 2
  } catch (err) {
    console.error(`oneshot ${command}: ${err instanceof Error ? err.message : err}`)
    return 1
  }
}
