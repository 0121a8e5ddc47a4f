// The page's parts in Node (no Worker types here; the routes themselves are exercised over HTTP
// in demo.browser.test.ts and faces.browser.test.ts): who gets the dev key, the samples pair up,
// both tabs are in the page and every id the script looks up is; and the Y4M writer of the fake
// camera. The script's own logic is unit-tested in test/page.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { devKeyFor } from '../../src/edge/page/dev-key'
import { PAGE_HTML } from '../../src/edge/page/html'
import { SAMPLES } from '../../src/edge/page/samples'
import { toY4m } from './faces-fixtures'

const LOCAL = new URL('http://127.0.0.1:8787/demo/config')

describe('demo page parts', () => {
  it('hands out the dev key only to loopback connections of a dev Worker with DEV_API_KEY', () => {
    const dev = { DEV_API_KEY: 'k', ENVIRONMENT: 'development' }
    const ip = '127.0.0.1'
    expect(devKeyFor(dev, LOCAL, ip)).toBe('k')
    expect(devKeyFor(dev, new URL('http://localhost:8787/'), '::1')).toBe('k')
    expect(devKeyFor({ ENVIRONMENT: 'development' }, LOCAL, ip)).toBeNull()
    expect(devKeyFor({ DEV_API_KEY: '', ENVIRONMENT: 'development' }, LOCAL, ip)).toBeNull()
    expect(devKeyFor(undefined, LOCAL, ip)).toBeNull()
    expect(devKeyFor(dev, new URL('https://demo.example.com/demo/config'), ip)).toBeNull()
    expect(devKeyFor({ DEV_API_KEY: 'k', ENVIRONMENT: 'production' }, LOCAL, ip)).toBeNull()
    // No ENVIRONMENT (a deployed Worker): never, whatever the Host header says.
    expect(devKeyFor({ DEV_API_KEY: 'k' }, LOCAL, ip)).toBeNull()
    // A remote peer (or none) with a forged loopback Host header: never.
    expect(devKeyFor(dev, LOCAL, '203.0.113.7')).toBeNull()
    expect(devKeyFor(dev, LOCAL, undefined)).toBeNull()
  })

  it('ships samples with one query per taught class', () => {
    expect(SAMPLES.classes).toHaveLength(5)
    expect(SAMPLES.queries.map((q) => q.label)).toEqual(SAMPLES.classes.map((c) => c.label))
    for (const s of [...SAMPLES.classes, ...SAMPLES.queries])
      expect(Buffer.from(s.png, 'base64').subarray(1, 4).toString()).toBe('PNG')
  })
})

describe('Faces tab parts', () => {
  it('has two tabs, each controlling a panel; the Faces panel starts hidden', () => {
    for (const [tab, panel] of [
      ['tab-chars', 'panel-chars'],
      ['tab-faces', 'panel-faces'],
    ]) {
      expect(PAGE_HTML).toContain(`id="${tab}" type="button" role="tab" aria-controls="${panel}"`)
      expect(PAGE_HTML).toContain(`id="${panel}"`)
    }
    expect(PAGE_HTML).toMatch(/id="panel-faces"[^>]*hidden>/)
    // Every id the script looks up ($('id'), $<Type>('id'), takeFiles('id')) exists in the page.
    const dir = 'src/edge/page/client'
    const script = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n')
    const ids = [...script.matchAll(/(?:\$(?:<\w+>)?|takeFiles)\('([\w-]+)'\)/g)].map((m) => m[1])
    expect(ids.length).toBeGreaterThan(20)
    for (const id of new Set(ids)) expect(PAGE_HTML, id).toContain(`id="${id}"`)
  })

  it('writes Y4M 4:2:0 frames: header, then Y, U, V planes per frame (full-range BT.601)', () => {
    // 3x2 RGB (the odd column is dropped): white, black / red, blue.
    const px = [255, 255, 255, 0, 0, 0, 9, 9, 9, 255, 0, 0, 0, 0, 255, 9, 9, 9]
    const y4m = toY4m({ width: 3, height: 2, channels: 3, data: Uint8Array.from(px) }, 2)
    const header = 'YUV4MPEG2 W2 H2 F30:1 Ip A1:1 C420jpeg\n'
    const text = new TextDecoder().decode(y4m.subarray(0, header.length))
    expect(text).toBe(header)
    const frame = y4m.subarray(header.length)
    expect(frame.length).toBe(2 * ('FRAME\n'.length + 4 + 1 + 1))
    expect(new TextDecoder().decode(frame.subarray(0, 6))).toBe('FRAME\n')
    expect([...frame.subarray(6, 10)]).toEqual([255, 0, 76, 29]) // Y of white, black, red, blue
    // U and V: the mean of the four pixels' chroma.
    const u = (128 * 4 - 0.168736 * 510 - 0.331264 * 255 + 0.5 * 510) / 4
    const v = (128 * 4 + 0.5 * 510 - 0.418688 * 255 - 0.081312 * 510) / 4
    expect([...frame.subarray(10, 12)]).toEqual([Math.round(u), Math.round(v)])
    expect([...frame.subarray(12, 24)]).toEqual([...frame.subarray(0, 12)]) // the same still
  })
})
