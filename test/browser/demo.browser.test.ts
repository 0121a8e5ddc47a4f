// The demo page in headless Chromium against a real `wrangler dev` (fresh local state, seeded with
// the shipped models as `npm start` does): draw three classes, teach, classify a query like
// class 2; then a bad key's API error in the alert region.
// Screenshots go to test-output/ (docs/screenshot-demo.png is a copy of demo-success.png).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWranglerDev, type DevServer } from '../../scripts/wrangler-dev'
import { SAMPLES } from '../../src/edge/page/samples'
import { circle, draw, launchChromium, SHAPES } from './chromium'

const KEY = 'dev-local-key'
const OUT = 'test-output'
let server: DevServer
let browser: Browser
let page: Page
let dir: string
const pageErrors: string[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oneshot-browser-'))
  mkdirSync(OUT, { recursive: true })
  ;[server, browser] = await Promise.all([
    startWranglerDev({ persistTo: join(dir, 'state'), vars: { DEV_API_KEY: KEY }, seed: true }),
    launchChromium(),
  ])
  console.log(`browser test against ${server.url} with the default ${server.catalogue?.default}`)
  // A phone-sized viewport: the page must work there (issue #5).
  page = await browser.newPage({ viewport: { width: 390, height: 844 } })
  page.on('pageerror', (e) => pageErrors.push(String(e)))
  page.on('console', (m) => {
    // A 401 the test provokes logs "Failed to load resource"; anything else (CSP, script) counts.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text())
  })
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const alertText = () => page.locator('[role=alert]').innerText()

async function addClass(name: string, strokes: typeof SHAPES.line) {
  await draw(page, '#pad', strokes)
  await page.fill('#class-name', name)
  const before = await page.locator('#classes li').count()
  await page.click('#add-class')
  await expect.poll(() => page.locator('#classes li').count()).toBe(before + 1)
}

describe('demo page', () => {
  it('is served by the Worker without auth, with nothing external and a strict CSP', async () => {
    const res = await fetch(`${server.url}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    const html = await res.text()
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//)
    for (const asset of ['/demo/app.js', '/demo/app.css', '/demo/samples.json'])
      expect((await fetch(`${server.url}${asset}`)).status, asset).toBe(200)
    // Local dev over loopback: the page may prefill the dev key.
    expect(await (await fetch(`${server.url}/demo/config`)).json()).toEqual({ devKey: KEY })
  })

  it('teaches three drawn classes and predicts class 2 for a query drawn like it', async () => {
    await page.goto(`${server.url}/`)
    await expect.poll(() => page.inputValue('#key')).toBe(KEY)
    await addClass('line', SHAPES.line)
    await addClass('circle', SHAPES.circle)
    await addClass('cross', SHAPES.cross)
    expect(await page.locator('#classes li').count()).toBe(3)

    await page.click('#teach')
    await page.waitForFunction(() =>
      /Taught 3 classes|API/.test(
        (document.getElementById('status')?.textContent ?? '') +
          (document.getElementById('alert')?.textContent ?? ''),
      ),
    )
    expect(await alertText()).toBe('')

    // Another circle: a little smaller and off-centre, drawn anew.
    await draw(page, '#pad', [circle(0.53, 0.48, 0.28)])
    await page.click('#classify')
    await page.locator('#prediction').or(page.locator('.alert:not(:empty)')).first().waitFor()
    expect(await alertText()).toBe('')
    expect(await page.locator('#prediction').innerText()).toBe('circle')
    expect(await page.locator('.top li').count()).toBe(3)
    expect(await page.locator('.top li').first().locator('.name').innerText()).toBe('circle')
    // No sideways scrolling at 390 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.screenshot({ path: join(OUT, 'demo-success.png'), fullPage: true })
    // The README's picture (docs/screenshot-demo.png is a copy): the same state, wide.
    await page.setViewportSize({ width: 1100, height: 800 })
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: join(OUT, 'demo-success-wide.png') })
    await page.setViewportSize({ width: 390, height: 844 })
    expect(pageErrors).toEqual([])
  })

  it('shows the API message in the alert region when the key is wrong', async () => {
    await page.fill('#key', 'not-a-real-key')
    await page.click('#clear')
    await draw(page, '#pad', [circle(0.5, 0.5, 0.3)])
    await page.click('#classify')
    const alert = page.locator('[role=alert]')
    await alert.filter({ hasText: 'invalid API key' }).waitFor()
    expect(await alert.isVisible()).toBe(true)
    // In the viewport too, though the person is at the bottom of a phone-sized page.
    const inView = () =>
      alert.evaluate(
        (e) =>
          e.getBoundingClientRect().top >= 0 &&
          e.getBoundingClientRect().bottom <= window.innerHeight,
      )
    expect(await inView()).toBe(true)
    expect(await page.locator('#prediction').count()).toBe(0) // no stale answer beside it
    expect(await alertText()).toMatch(/401 unauthorized: invalid API key/)
    // What the person sees (a full-page capture would misplace the sticky alert).
    await page.screenshot({ path: join(OUT, 'demo-error.png') })
  })

  it('"Try an example" fills the classes with bundled drawings and classifies one', async () => {
    await page.fill('#key', KEY)
    await page.click('#example')
    await expect.poll(() => page.locator('#classes li').count()).toBe(5)
    expect(await page.locator('#classes li input').first().inputValue()).toBe('glyph 1')
    await page.click('#classify')
    await page.locator('#prediction').or(page.locator('.alert:not(:empty)')).first().waitFor()
    expect(await alertText()).toBe('')
    console.log(`sample query predicted as: ${await page.locator('#prediction').innerText()}`)
    expect(pageErrors).toEqual([])
  })

  it('is keyboard reachable and takes uploaded images as classes', async () => {
    // Tab from the key field: the selected tab (only it), then the canvas is skipped (it needs a
    // pointer), Clear is next.
    await page.focus('#key')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-chars')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('clear')
    await page.click('#remove-all')
    const png = (label: string) => ({
      name: `${label}.png`,
      mimeType: 'image/png',
      buffer: Buffer.from(SAMPLES.classes.find((c) => c.label === label)!.png, 'base64'),
    })
    await page.setInputFiles('#upload', [png('glyph 1'), png('glyph 2')])
    await expect.poll(() => page.locator('#classes li').count()).toBe(2)
    expect(await page.locator('#classes li input').nth(1).inputValue()).toBe('glyph 2')
    expect(await alertText()).toBe('')
  })
})
