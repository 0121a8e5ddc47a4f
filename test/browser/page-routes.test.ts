// The page's parts in Node (no Worker types here; the routes themselves are exercised over HTTP
// in demo.browser.test.ts): who gets the dev key, the script parses, the samples pair up.
import { describe, expect, it } from 'vitest'
import { devKeyFor } from '../../src/edge/page/dev-key'
import { SAMPLES } from '../../src/edge/page/samples'
import { PAGE_SCRIPT } from '../../src/edge/page/script'

const LOCAL = new URL('http://127.0.0.1:8787/demo/config')

describe('demo page parts', () => {
  it('hands out the dev key only to loopback requests of a dev Worker with DEV_API_KEY', () => {
    const dev = { DEV_API_KEY: 'k', ENVIRONMENT: 'development' }
    expect(devKeyFor(dev, LOCAL)).toBe('k')
    expect(devKeyFor(dev, new URL('http://localhost:8787/'))).toBe('k')
    expect(devKeyFor({ ENVIRONMENT: 'development' }, LOCAL)).toBeNull()
    expect(devKeyFor({ DEV_API_KEY: '', ENVIRONMENT: 'development' }, LOCAL)).toBeNull()
    expect(devKeyFor(undefined, LOCAL)).toBeNull()
    expect(devKeyFor(dev, new URL('https://demo.example.com/demo/config'))).toBeNull()
    expect(devKeyFor({ DEV_API_KEY: 'k', ENVIRONMENT: 'production' }, LOCAL)).toBeNull()
  })

  it('ships a script that parses and samples with one query per taught class', () => {
    expect(() => new Function(PAGE_SCRIPT)).not.toThrow()
    expect(SAMPLES.classes).toHaveLength(5)
    expect(SAMPLES.queries.map((q) => q.label)).toEqual(SAMPLES.classes.map((c) => c.label))
    for (const s of [...SAMPLES.classes, ...SAMPLES.queries])
      expect(Buffer.from(s.png, 'base64').subarray(1, 4).toString()).toBe('PNG')
  })
})
