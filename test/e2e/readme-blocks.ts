// Reading README.md's code blocks and running their commands as a reader would, in a clean copy
// of the repository: what git would commit (tracked files and new unignored ones), node_modules
// linked, no build output, no local state, no runs/.
import { spawn } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

/** A fenced code block of the README: its language, the heading above it, its text. */
export interface Block {
  lang: string
  heading: string
  /** 1-based line of the opening fence. */
  line: number
  body: string
  /** Its first line without the comment: how the test names the block. */
  key: string
}

/** A command of a block (continuation lines joined) and the output its `# ...` comment shows. */
export interface Command {
  cmd: string
  expected?: string
}

/** Every fenced block of a markdown text, in order. */
export function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = []
  const lines = markdown.split('\n')
  let heading = ''
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,6} (.*)$/.exec(lines[i]!)
    if (h) heading = h[1]!
    const open = /^```(\w*)\s*$/.exec(lines[i]!)
    if (!open) continue
    const end = lines.indexOf('```', i + 1)
    if (end < 0) throw new Error(`README.md:${i + 1}: unclosed code block`)
    const body = lines.slice(i + 1, end).join('\n')
    const first = body.split('\n').find((l) => l.trim() && !l.trim().startsWith('#')) ?? ''
    blocks.push({ lang: open[1]!, heading, line: i + 1, body, key: stripComment(first) })
    i = end
  }
  return blocks
}

/** A line without its trailing ` # comment` (a `#` inside quotes or `$(...)` is rare here). */
const stripComment = (line: string) => line.replace(/\s+#\s.*$/, '').trim()

/**
 * The commands of an sh block. A comment is output when it starts with `→` (text) or with `{`,
 * `[` or `"` (JSON): trailing a command, or on its own line(s) after it (several `# →` lines
 * are several lines of output). Any other comment is prose.
 */
export function commandsOf(block: string): Command[] {
  const out: Command[] = []
  let pending = ''
  for (const line of block.split('\n')) {
    if (!pending && !line.trim()) continue
    const own = /^\s*#\s?(.*)$/.exec(line)
    if (own && !pending) {
      const text = outputOf(own[1]!)
      const last = out[out.length - 1]
      if (text !== undefined && last)
        last.expected = last.expected === undefined ? text : `${last.expected}\n${text}`
      continue
    }
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' '
      continue
    }
    const full = pending + line
    pending = ''
    const trailing = /\s#\s(.*)$/.exec(full)
    out.push({ cmd: full, expected: trailing ? outputOf(trailing[1]!) : undefined })
  }
  return out
}

const outputOf = (comment: string) => {
  const arrow = /^→\s?(.*)$/.exec(comment)
  if (arrow) return arrow[1]!
  return /^[[{"]/.test(comment) ? comment : undefined
}

/** What an expected output means: the whole output, `...` standing for anything (newlines too). */
export const outputPattern = (expected: string) =>
  new RegExp(
    `^${expected
      .split('...')
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  )

/** One command's run: its output (stdout and stderr together, trimmed) and exit code. */
export interface Ran {
  cmd: string
  expected?: string
  output: string
  code: number
}

/**
 * Runs commands one after another in one bash (so variables carry over, as in a terminal), each
 * to its end whatever the previous one answered; returns each one's output and exit code.
 */
export async function runCommands(
  commands: Command[],
  opts: { cwd: string; env?: Record<string, string> },
): Promise<Ran[]> {
  const mark = `@@readme-${process.pid}-${Date.now()}@@`
  const script = [
    'exec 2>&1',
    'set -o pipefail',
    ...commands.map((c, i) => `echo "${mark}${i}"\n${c.cmd}\necho "${mark}rc=$?"`),
  ].join('\n')
  const text = await new Promise<string>((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      cwd: opts.cwd,
      env: { ...process.env, FORCE_COLOR: '0', WRANGLER_SEND_METRICS: 'false', ...opts.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.on('error', reject)
    child.on('close', () => resolve(out))
  })
  return commands.map((c, i) => {
    const start = text.indexOf(`${mark}${i}\n`)
    const end = text.indexOf(`${mark}rc=`, start)
    if (start < 0 || end < 0) return { ...c, output: text.slice(-2000), code: -1 }
    const code = Number(/^rc=(\d+)/.exec(text.slice(end + mark.length))?.[1] ?? -1)
    return { ...c, output: text.slice(start + `${mark}${i}\n`.length, end).trim(), code }
  })
}

/**
 * A clean copy of the repository at `repo` in a new temp folder: `<tmp>/clone` holds what git
 * would commit (tracked files as they are now, and new files git does not ignore), with
 * node_modules linked to the installed one; `<tmp>/shared` links `repo/../shared` when that exists,
 * so the README's `../shared/data/...` paths mean the same from the copy.
 */
export function cleanCopy(repo: string): { dir: string; clone: string; shared: boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'oneshot-readme-'))
  const clone = join(dir, 'clone')
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  )
    .split('\0')
    .filter(Boolean)
  for (const file of files) {
    const from = join(repo, file)
    if (!existsSync(from)) continue // deleted in the work tree, not yet in git
    mkdirSync(dirname(join(clone, file)), { recursive: true })
    copyFileSync(from, join(clone, file))
  }
  symlinkSync(resolve(repo, 'node_modules'), join(clone, 'node_modules'))
  const shared = resolve(repo, '..', 'shared')
  const hasShared = existsSync(shared)
  if (hasShared) symlinkSync(shared, join(dir, 'shared'))
  return { dir, clone, shared: hasShared }
}
