// The README's API walkthrough, run as written (bash, curl, jq) against a real `wrangler dev`
// serving the shipped default model, on the committed samples/*.png; each `# {...}` comment is
// the output that command must print (`...` stands for anything).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DevServer } from '../../scripts/wrangler-dev'
import { startDefaultModelServer } from './default-server'

let server: DevServer
let close: () => Promise<void>

beforeAll(async () => {
  ;({ server, close } = await startDefaultModelServer('readme'))
})

afterAll(() => close?.())

/** The first ```sh block after a heading of the README. */
function readmeBlock(heading: string): string {
  const readme = readFileSync('README.md', 'utf8')
  const at = readme.indexOf(`\n${heading}\n`)
  if (at < 0) throw new Error(`README.md has no "${heading}"`)
  const m = /```sh\n([\s\S]*?)```/.exec(readme.slice(at))
  if (!m) throw new Error(`no sh block under "${heading}"`)
  return m[1]
}

/**
 * Commands of a block, each with the output its comment shows (trailing, or on the next line): a
 * comment that starts with `{`, `[` or `"` is output; any other is prose.
 */
function commandsOf(block: string): { cmd: string; expected?: string }[] {
  const out: { cmd: string; expected?: string }[] = []
  for (const line of block.split('\n')) {
    if (!line.trim()) continue
    const own = /^#\s?(.*)$/.exec(line.trim())
    if (own) {
      if (out.length && /^[[{"]/.test(own[1])) out[out.length - 1].expected = own[1]
      continue
    }
    const trailing = /\s#\s([[{"].*)$/.exec(line)
    out.push({ cmd: line, expected: trailing?.[1] })
  }
  return out
}

const pattern = (expected: string) =>
  new RegExp(
    `^${expected
      .split('...')
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  )

describe('README: API walkthrough', () => {
  it('runs as written on the shipped samples and prints what it shows', () => {
    const cmds = commandsOf(readmeBlock('## API'))
    const script = cmds
      .map(
        (c, i) =>
          `echo "@@@${i}"\n${c.cmd.replace('U=http://127.0.0.1:8787', `U=${server.url}`)}\necho`,
      )
      .join('\n')
    const text = execFileSync('bash', ['-euo', 'pipefail', '-c', script], { encoding: 'utf8' })
    const outputs = text
      .split(/@@@\d+\n/)
      .slice(1)
      .map((s) => s.trim())
    expect(outputs).toHaveLength(cmds.length)
    const checked = cmds.flatMap((c, i) => (c.expected ? [[outputs[i], c.expected]] : []))
    expect(checked.length).toBeGreaterThanOrEqual(4)
    for (const [actual, expected] of checked) expect(actual).toMatch(pattern(expected))
  })
})
