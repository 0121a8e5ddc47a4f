// Headless Chromium for the browser tests: Debian's `chromium` (.ci/run installs it when missing),
// driven by playwright-core. The flags keep it from reaching the network on its own.
import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** `extraArgs`: more switches, e.g. {@link fakeCameraArgs}. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`)
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      ...extraArgs,
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/**
 * Chromium's fake camera, granted without a prompt, playing a .y4m file (see `writeY4m` in
 * faces-fixtures.ts) in a loop.
 */
export function fakeCameraArgs(y4mFile: string): string[] {
  return [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${y4mFile}`,
  ]
}

/** A point in the unit square of the drawing pad (0,0 top left). */
export type Pt = [number, number]

/** Strokes that differ in every 4x4 cell, so even an untrained embedding tells them apart. */
export const SHAPES = {
  line: [
    [
      [0.5, 0.12],
      [0.5, 0.88],
    ],
  ] as Pt[][],
  circle: [circle(0.5, 0.5, 0.32)],
  cross: [
    [
      [0.18, 0.18],
      [0.82, 0.82],
    ],
    [
      [0.82, 0.18],
      [0.18, 0.82],
    ],
  ] as Pt[][],
}

/** A closed polygon of `n` points around (cx, cy). */
export function circle(cx: number, cy: number, r: number, n = 36): Pt[] {
  return Array.from({ length: n + 1 }, (_, i): Pt => {
    const a = (2 * Math.PI * i) / n
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)]
  })
}

/** Draws strokes on the element `selector` with the mouse (pointer events, like a person). */
export async function draw(page: Page, selector: string, strokes: Pt[][]): Promise<void> {
  // Mouse coordinates are the viewport's: on a phone-sized one the pad may be scrolled away.
  await page.locator(selector).scrollIntoViewIfNeeded()
  const box = await page.locator(selector).boundingBox()
  if (!box) throw new Error(`${selector} is not visible`)
  const at = ([x, y]: Pt): Pt => [box.x + x * box.width, box.y + y * box.height]
  for (const stroke of strokes) {
    const [x0, y0] = at(stroke[0]!)
    await page.mouse.move(x0, y0)
    await page.mouse.down()
    for (const p of stroke.slice(1)) await page.mouse.move(...at(p), { steps: 4 })
    await page.mouse.up()
  }
}
