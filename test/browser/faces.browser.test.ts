// The demo page's Faces tab in headless Chromium against a real `wrangler dev` (fresh local
// state, seeded like `npm start`, so the `face` alias is served): enrol three people from LFW
// photos, identify a new photo of one of them and a stranger ("unknown"), verify two pairs, then
// enrol and identify through Chromium's fake camera (a .y4m written here from an LFW photo).
// LFW is research data the repository does not ship: without ../shared/data/lfw this file skips,
// saying so. Its photos go only to a temporary folder, and the screenshots (test-output/faces*.png,
// gitignored) show real people, so they are never copied into docs/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWranglerDev, type DevServer } from '../../scripts/wrangler-dev'
import { defaultLfwDir, readLfwPhotos } from '../../src/train/data/lfw'
import { fakeCameraArgs, launchChromium } from './chromium'
import { lfwPhoto, writePhotos, writeY4m } from './faces-fixtures'

const KEY = 'dev-local-key'
const OUT = 'test-output'
const lfw = defaultLfwDir()
if (!lfw)
  console.warn(
    'faces browser test skipped: no LFW at ../shared/data/lfw/lfw-dev.zip (research data, not shipped)',
  )

// lfw-dev.zip holds some photos of each person, not all: these numbers are in it.
const PEOPLE = [
  { name: 'Jennifer_Lopez', enrol: 3, query: 4 },
  { name: 'Paul_Wolfowitz', enrol: 2, query: 3 },
  { name: 'Hans_Blix', enrol: 2, query: 3 },
]
const STRANGER = lfwPhoto('Zhu_Rongji', 1)
// Enrolled through the camera (its first photo is the fake camera's video), then identified from
// an uploaded second photo.
const CAMERA = { name: 'Ricardo_Lagos', enrol: 1, query: 2 }

let server: DevServer
let browser: Browser
let page: Page
let dir: string
let files: Map<string, string>
const pageErrors: string[] = []

const alertText = () => page.locator('[role=alert]').innerText()
const file = (person: string, n: number) => files.get(lfwPhoto(person, n))!

/** Waits for `selector` or an error in the alert region, and fails with the alert's text. */
async function settle(selector: string): Promise<void> {
  await page.locator(selector).or(page.locator('.alert:not(:empty)')).first().waitFor()
  expect(await alertText()).toBe('')
}

async function identify(path: string): Promise<string> {
  await page.evaluate(() => document.getElementById('identify-result')!.replaceChildren())
  await page.setInputFiles('#identify-photo', path)
  await settle('#identify-answer')
  return page.locator('#identify-answer').innerText()
}

describe.skipIf(!lfw)('demo page, Faces tab (LFW photos)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oneshot-faces-browser-'))
    mkdirSync(OUT, { recursive: true })
    const names = [
      ...PEOPLE.flatMap((p) => [lfwPhoto(p.name, p.enrol), lfwPhoto(p.name, p.query)]),
      STRANGER,
      lfwPhoto(CAMERA.name, CAMERA.enrol),
      lfwPhoto(CAMERA.name, CAMERA.query),
    ]
    const photos = readLfwPhotos(lfw!, names)
    files = writePhotos(dir, photos)
    const y4m = writeY4m(join(dir, 'camera.y4m'), photos.get(lfwPhoto(CAMERA.name, CAMERA.enrol))!)
    ;[server, browser] = await Promise.all([
      startWranglerDev({ persistTo: join(dir, 'state'), vars: { DEV_API_KEY: KEY }, seed: true }),
      launchChromium(fakeCameraArgs(y4m)),
    ])
    console.log(
      `faces browser test against ${server.url}; face = ${server.catalogue?.aliases?.face}`,
    )
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } })
    page.on('pageerror', (e) => pageErrors.push(String(e)))
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
        pageErrors.push(m.text())
    })
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('opens the Faces tab (by click and by #faces) and keeps the Characters tab', async () => {
    await page.goto(`${server.url}/`)
    await expect.poll(() => page.inputValue('#key')).toBe(KEY)
    expect(await page.isVisible('#pad')).toBe(true)
    expect(await page.isVisible('#face-enrol')).toBe(false)
    await page.click('#tab-faces')
    expect(await page.isVisible('#face-enrol')).toBe(true)
    expect(await page.isVisible('#pad')).toBe(false)
    expect(page.url()).toMatch(/#faces$/)
    // Arrow keys move between the tabs.
    await page.focus('#tab-faces')
    await page.keyboard.press('ArrowLeft')
    expect(await page.getAttribute('#tab-chars', 'aria-selected')).toBe('true')
    expect(await page.isVisible('#pad')).toBe(true)
    await page.goto(`${server.url}/#faces`)
    await expect.poll(() => page.inputValue('#key')).toBe(KEY)
    expect(await page.isVisible('#face-enrol')).toBe(true)
  })

  it('enrols three people from photos, one set kept in localStorage', async () => {
    for (const p of PEOPLE) {
      await page.fill('#face-name', p.name)
      await page.setInputFiles('#face-photo', file(p.name, p.enrol))
      await page.click('#face-enrol')
      await settle(`#people li:has-text("${p.name}")`)
    }
    expect(await page.locator('#people li').count()).toBe(3)
    expect(await page.locator('#people li img').count()).toBe(3) // a crop of each enrolled face
    const id = await page.evaluate(() => localStorage.getItem('oneshot-demo.faceSet'))
    expect(id).toBeTruthy()
    expect(await page.innerText('#face-set')).toContain(id!)
    // A reload finds the same set and lists its people (names only: crops stay in the page).
    await page.reload()
    await expect.poll(() => page.locator('#people li').count()).toBe(3)
    expect(await page.evaluate(() => localStorage.getItem('oneshot-demo.faceSet'))).toBe(id)
  })

  it('identifies a new photo of an enrolled person, and calls a stranger unknown', async () => {
    const p = PEOPLE[2]!
    expect(await identify(file(p.name, p.query))).toBe(p.name)
    const line = await page.locator('.faces-found li').first().innerText()
    const similarity = Number(/similarity (\d+)/.exec(line)?.[1])
    expect(similarity).toBeGreaterThan(50)
    expect(await page.isVisible('#identify-canvas')).toBe(true)
    await page.screenshot({ path: join(OUT, 'faces.png'), fullPage: true })
    // The README's picture (docs/screenshot-faces.png is a copy): the same state with every photo
    // pixel masked, since LFW's terms forbid committing its photos; boxes and names stay.
    expect(await maskPhotos(page)).toBeGreaterThan(0)
    await page.screenshot({ path: join(OUT, 'faces-readme.png') })

    expect(await identify(files.get(STRANGER)!)).toBe('unknown')
    expect(await page.locator('.faces-found li').first().innerText()).toMatch(/^unknown: /)
    await page.screenshot({ path: join(OUT, 'faces-unknown.png'), fullPage: true })
    // The stranger's box and caption are drawn in the "unknown" amber (#8a5300).
    const amber = await page.evaluate(() => {
      const c = document.getElementById('identify-canvas') as HTMLCanvasElement
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      let n = 0
      for (let i = 0; i < d.length; i += 4)
        if (d[i] === 138 && d[i + 1] === 83 && d[i + 2] === 0) n++
      return n
    })
    expect(amber).toBeGreaterThan(100)
  })

  it('verifies two photos of one person as the same, and two people as different', async () => {
    const [b, , a] = PEOPLE
    await page.setInputFiles('#verify-a', file(a!.name, a!.enrol))
    await page.setInputFiles('#verify-b', file(a!.name, a!.query))
    await page.click('#verify')
    await settle('#verify-answer')
    expect(await page.innerText('#verify-answer')).toBe('Same person')
    await page.setInputFiles('#verify-b', file(b!.name, b!.enrol))
    await page.click('#verify')
    await settle('#verify-answer')
    expect(await page.innerText('#verify-answer')).toBe('Different people')
    expect(await page.isVisible('#verify-canvas-b')).toBe(true)
    await page.locator('section.verify').screenshot({ path: join(OUT, 'faces-verify.png') })
  })

  it('enrols and identifies a camera frame (Chromium fake camera playing an LFW photo)', async () => {
    await page.click('#camera-start')
    await settle('#camera-video:not([hidden])')
    await expect.poll(() => page.innerText('#camera-status')).toMatch(/Camera on \(\d+x\d+\)/)
    await page.fill('#face-name', CAMERA.name)
    await page.click('#camera-enrol')
    await settle(`#people li:has-text("${CAMERA.name}")`)
    expect(await page.locator('#people li').count()).toBe(4)
    // The same frame identifies as them, and so does another photo of them.
    await page.evaluate(() => document.getElementById('identify-result')!.replaceChildren())
    await page.click('#camera-identify')
    await settle('#identify-answer')
    await page.screenshot({ path: join(OUT, 'faces-camera.png'), fullPage: true })
    expect(await page.innerText('#identify-answer')).toBe(CAMERA.name)
    expect(await identify(file(CAMERA.name, CAMERA.query))).toBe(CAMERA.name)
    // Leaving the tab turns the camera off.
    await page.click('#tab-chars')
    expect(await page.innerText('#camera-status')).toBe('Camera off.')
    await page.click('#tab-faces')
  })

  it('forgets a person, and New set starts afresh (the old set deleted)', async () => {
    const p = PEOPLE[1]!
    await page.click(`#people button[aria-label="Forget ${p.name}"]`)
    await settle('#face-status:has-text("Forgot")')
    expect(await page.locator('#people li').count()).toBe(3)
    expect(await identify(file(p.name, p.query))).not.toBe(p.name)
    const old = await page.evaluate(() => localStorage.getItem('oneshot-demo.faceSet'))
    await page.click('#face-new-set')
    await settle('#face-status:has-text("Deleted the old face set")')
    expect(await page.locator('#people li').count()).toBe(0)
    expect(await page.evaluate(() => localStorage.getItem('oneshot-demo.faceSet'))).toBeNull()
    const gone = await fetch(`${server.url}/v1/sets/${old}`, {
      headers: { authorization: `Bearer ${KEY}` },
    })
    expect(gone.status).toBe(404)
    await page.setInputFiles('#identify-photo', file(p.name, p.query))
    await page.locator('.alert:not(:empty)').waitFor()
    expect(await alertText()).toBe('Enrol at least one person first.')
    // Phone-sized: one column, no sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 })
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.setViewportSize({ width: 1100, height: 900 })
    expect(pageErrors).toEqual([])
  })

  it('says so when there is no camera', async () => {
    const context = await browser.newContext()
    // As on a machine with none: getUserMedia rejects the way browsers do.
    await context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () =>
        Promise.reject(new DOMException('Requested device not found', 'NotFoundError'))
    })
    const other = await context.newPage()
    await other.goto(`${server.url}/#faces`)
    await other.click('#camera-start')
    const alert = other.locator('[role=alert]')
    await alert.filter({ hasText: 'No camera found' }).waitFor()
    expect(await other.isVisible('#camera-video')).toBe(false)
    await context.close()
  })
})

/**
 * Paints over every photo on the page: canvas pixels that are not a box or caption colour (the
 * page's KNOWN / UNKNOWN and white) become grey, and face thumbnails become grey squares.
 * Returns how many box-coloured pixels were kept (0: nothing drawn, the mask would hide a bug).
 */
function maskPhotos(page: Page): Promise<number> {
  return page.evaluate(() => {
    const keep = ['31,95,191', '138,83,0', '255,255,255']
    let kept = 0
    for (const c of Array.from(document.querySelectorAll('canvas'))) {
      if (!c.width || !c.height) continue
      const ctx = c.getContext('2d')!
      const img = ctx.getImageData(0, 0, c.width, c.height)
      const d = img.data
      for (let i = 0; i < d.length; i += 4) {
        const rgb = `${d[i]},${d[i + 1]},${d[i + 2]}`
        if (keep.includes(rgb)) {
          if (rgb !== '255,255,255') kept++
          continue
        }
        d[i] = d[i + 1] = d[i + 2] = 200
      }
      ctx.putImageData(img, 0, 0)
    }
    const grey =
      "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'%3E%3Crect width='1' height='1' fill='%23c8c8c8'/%3E%3C/svg%3E"
    for (const im of Array.from(document.querySelectorAll('img')))
      if (im.src.startsWith('data:')) im.src = grey
    return kept
  })
}
