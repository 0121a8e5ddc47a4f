import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The prefix of the JSON line a fixture prints last (tfjs and Dawn print their own lines). */
export const RESULT = '@@result '

/**
 * Runs a fixture script under tsx in a fresh Node process and returns its JSON result. tfjs
 * backends and registered gradients are process-global and vitest shares one process, so every
 * backend under comparison gets its own.
 */
export function runFixture<T>(name: string, args: string[], timeoutMs = 240_000): Promise<T> {
  const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
  const tsx = import.meta.resolve('tsx')
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d))
    child.stderr.on('data', (d: Buffer) => (err += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const line = out.split('\n').find((l) => l.startsWith(RESULT))
      if (line) resolve(JSON.parse(line.slice(RESULT.length)) as T)
      else {
        const tail = (err + out).slice(-1500)
        reject(new Error(`${name} ${args.join(' ')} exited ${code ?? signal}: ${tail}`))
      }
    })
  })
}

/** Largest |a - b| over two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

/** Largest |a| (the scale a difference is judged against). */
export const maxAbs = (a: ArrayLike<number>) => maxAbsDiff(a, new Float32Array(a.length))
