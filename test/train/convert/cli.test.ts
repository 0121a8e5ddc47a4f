// `npm run convert -- blazeface` as a user runs it, on a folder of generated colour PNGs (16, the
// least the CLI accepts), and its negative control, which must exit 1 having written nothing.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encode as encodePng } from 'fast-png'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generatedImages } from '../../../src/train/convert/check-images'
import { runCli as cli } from '../cli/run-cli'

describe('npm run convert', () => {
  let dir: string
  let images: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'convert-cli-'))
    images = join(dir, 'images')
    mkdirSync(images)
    generatedImages(16, 96).images.forEach((img, i) =>
      writeFileSync(
        join(images, `${String(i).padStart(2, '0')}.png`),
        encodePng({ width: img.width, height: img.height, channels: 3, depth: 8, data: img.data }),
      ),
    )
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('converts blazeface, prints the figures, writes the .onnx and its record', () => {
    const out = join(dir, 'models')
    const r = cli('convert', ['blazeface', '--out', out, '--check', images])
    expect(r.code, r.err).toBe(0)
    expect(r.out).toMatch(/16 images from .*images \(evenly spread over its 16\)/)
    expect(r.out).toMatch(/regressors_8 +max abs diff \d\.\d\de-\d+/)
    expect(r.out).toMatch(/converted blazeface -> .*face-detector-blazeface\.onnx/)
    expect(readdirSync(out).sort()).toEqual([
      'face-detector-blazeface.json',
      'face-detector-blazeface.onnx',
    ])
  })

  it('--sabotage flip-padding: the parity check refuses, exit 1, nothing written', () => {
    const out = join(dir, 'sabotaged')
    const r = cli('convert', [
      'blazeface',
      '--out',
      out,
      '--check',
      images,
      '--sabotage',
      'flip-padding',
    ])
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/parity check failed: max abs diff/)
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([])
  })

  it('names the models it knows and refuses fewer than 16 images', () => {
    const r = cli('convert', ['mobilenet'])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/unknown model 'mobilenet' \(one of: blazeface, faceres, dlib\)/)
    expect(cli('convert', ['faceres', '--images', '8']).err).toMatch(
      /--images: expected an integer/,
    )
  })
})
