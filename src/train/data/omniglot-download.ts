/**
 * Fetches the official Omniglot zips (brendenlake/omniglot on GitHub) into a cache folder and
 * verifies their SHA-256, for users who have internet and no local copy.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The two official archives: Lake's background (train) and evaluation (test) sets. */
export type OmniglotPart = 'background' | 'evaluation'

/** Official location of the zips the Python code of the dataset uses. */
export const OMNIGLOT_URLS: Record<OmniglotPart, string> = {
  background: 'https://github.com/brendenlake/omniglot/raw/master/python/images_background.zip',
  evaluation: 'https://github.com/brendenlake/omniglot/raw/master/python/images_evaluation.zip',
}

/**
 * SHA-256 of the zips, computed from the project's reference copies
 * (../shared/data/omniglot, same layout as the official files).
 */
export const OMNIGLOT_SHA256: Record<OmniglotPart, string> = {
  background: '58abfcc99bec80c4f68cde0e59487e8f638e5f7a7619f68f76a8e6aae3ae5f57',
  evaluation: '2984247e3d0aba8e9c760d19d3e565325652d2e4c07865397e4759d6b380f65b',
}

/** File name of a part's zip, as published: `images_background.zip`. */
export const omniglotZipName = (part: OmniglotPart): string => `images_${part}.zip`

/** Hex SHA-256 of some bytes. */
export const sha256Hex = (bytes: Uint8Array): string =>
  createHash('sha256').update(bytes).digest('hex')

/** The subset of `fetch` the downloader uses; injectable so tests need no network. */
export type FetchLike = (url: string) => Promise<{
  ok: boolean
  status: number
  statusText?: string
  arrayBuffer(): Promise<ArrayBuffer>
}>

export interface EnsureZipOptions {
  fetch?: FetchLike
  /** overrides the official URL (a mirror) */
  url?: string
  /** overrides the expected checksum (a mirror with other bytes) */
  sha256?: string
  log?: (message: string) => void
}

/**
 * Returns the path of `<cacheDir>/images_<which>.zip`, downloading it first if it is missing or
 * its checksum is wrong. A download whose SHA-256 differs is not kept, and the error says so.
 * @example const zip = await ensureOmniglotZip('.cache/omniglot', 'background')
 */
export async function ensureOmniglotZip(
  cacheDir: string,
  which: OmniglotPart,
  opts: EnsureZipOptions = {},
): Promise<string> {
  const url = opts.url ?? OMNIGLOT_URLS[which]
  const expected = (opts.sha256 ?? OMNIGLOT_SHA256[which]).toLowerCase()
  const log = opts.log ?? ((m: string) => console.error(m))
  const dest = join(cacheDir, omniglotZipName(which))
  if (existsSync(dest)) {
    const got = sha256Hex(readFileSync(dest))
    if (got === expected) return dest
    log(`${dest}: SHA-256 ${got} is not the expected ${expected}; downloading it again`)
  }
  const doFetch: FetchLike = opts.fetch ?? ((u) => fetch(u))
  log(`downloading ${url} -> ${dest}`)
  let bytes: Uint8Array
  try {
    const res = await doFetch(url)
    if (!res.ok) throw new Error(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`)
    bytes = new Uint8Array(await res.arrayBuffer())
  } catch (e) {
    throw new Error(
      `cannot download Omniglot ${which} from ${url}: ${(e as Error).message}. ` +
        `Without internet, pass a folder or the official zip as the data path.`,
      { cause: e },
    )
  }
  const got = sha256Hex(bytes)
  if (got !== expected)
    throw new Error(
      `checksum mismatch for ${url}: SHA-256 ${got} (${bytes.length} bytes), ` +
        `expected ${expected}. ` +
        `The file was not saved; the download may be truncated or the upstream file changed.`,
    )
  mkdirSync(cacheDir, { recursive: true })
  // Write then rename, so an interrupted run never leaves a partial zip under the final name.
  const tmp = `${dest}.${process.pid}.part`
  writeFileSync(tmp, bytes)
  renameSync(tmp, dest)
  return dest
}
