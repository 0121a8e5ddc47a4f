import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { OMNIGLOT_SHA256, ensureOmniglotZip, sha256Hex } from '../../../src/train/data'
import type { FetchLike } from '../../../src/train/data'
import { removeTempDirs, tempDir } from './fixtures'

afterAll(removeTempDirs)

const bytesFetch =
  (bytes: Uint8Array, calls: string[] = [], status = 200): FetchLike =>
  async (url) => {
    calls.push(url)
    return {
      ok: status === 200,
      status,
      arrayBuffer: async () => bytes.slice().buffer,
    }
  }

describe('ensureOmniglotZip', () => {
  const log = () => {}

  it('refuses a download whose SHA-256 differs, and saves nothing', async () => {
    const dir = tempDir()
    const calls: string[] = []
    await expect(
      ensureOmniglotZip(dir, 'background', {
        fetch: bytesFetch(new Uint8Array([1, 2]), calls),
        log,
      }),
    ).rejects.toThrow(/checksum mismatch .*images_background\.zip.*expected 58abfcc9/)
    expect(calls[0]).toMatch(
      /github\.com\/brendenlake\/omniglot\/.*python\/images_background\.zip$/,
    )
    expect(existsSync(join(dir, 'images_background.zip'))).toBe(false)
  })

  it('keeps a verified download and reuses it without fetching', async () => {
    const dir = tempDir()
    const body = new TextEncoder().encode('pretend zip')
    const opts = { sha256: sha256Hex(body), log }
    const calls: string[] = []
    const fetch = bytesFetch(body, calls)
    const p = await ensureOmniglotZip(dir, 'evaluation', { ...opts, fetch })
    expect(readFileSync(p)).toEqual(Buffer.from(body))
    await ensureOmniglotZip(dir, 'evaluation', { ...opts, fetch: bytesFetch(body, calls) })
    expect(calls.length).toBe(1)
    // A corrupted cached file is fetched again.
    writeFileSync(p, 'corrupt')
    await ensureOmniglotZip(dir, 'evaluation', { ...opts, fetch: bytesFetch(body, calls) })
    expect(calls.length).toBe(2)
  })

  it('reports HTTP and network failures with the URL', async () => {
    const dir = tempDir()
    await expect(
      ensureOmniglotZip(dir, 'background', { fetch: bytesFetch(new Uint8Array(), [], 404), log }),
    ).rejects.toThrow(/cannot download Omniglot background from https:.*HTTP 404/)
    const offline: FetchLike = async () => {
      throw new Error('getaddrinfo ENOTFOUND')
    }
    await expect(ensureOmniglotZip(dir, 'background', { fetch: offline, log })).rejects.toThrow(
      /ENOTFOUND.*folder or the official zip/,
    )
  })

  it('pins a checksum per archive', () => {
    expect(OMNIGLOT_SHA256.background).toMatch(/^[0-9a-f]{64}$/)
    expect(OMNIGLOT_SHA256.evaluation).toMatch(/^[0-9a-f]{64}$/)
  })
})
