import { spawnSync } from 'node:child_process'

/** Runs `src/train/cli/<script>.ts` as `npm run <script>` does; its exit code and output. */
export function runCli(script: string, args: string[], timeout = 120_000) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', `src/train/cli/${script}.ts`, ...args],
    {
      encoding: 'utf8',
      timeout,
    },
  )
  return { code: r.status, out: r.stdout, err: r.stderr }
}
