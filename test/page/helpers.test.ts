// The pure helpers of the demo page's script: API errors, the pad's fit, result bars, sets in the
// picker, photo sizes and captions, tab keys.
import { describe, expect, it } from 'vitest'
import { apiError, setPath } from '../../src/edge/page/client/api'
import { cameraError } from '../../src/edge/page/client/camera'
import { labelFromFileName } from '../../src/edge/page/client/dom'
import { faceName, sim } from '../../src/edge/page/client/faces'
import { fitContain } from '../../src/edge/page/client/pad'
import { captionAt, shrunkSize } from '../../src/edge/page/client/photos'
import { barScale, fmt } from '../../src/edge/page/client/result'
import { isCharacterSet, setOptionText, type SetInfo } from '../../src/edge/page/client/sets'
import { tabForKey } from '../../src/edge/page/client/tabs'

describe('api', () => {
  it("words an error answer with its status, code and the API's message", () => {
    const err = apiError(429, 'Too Many Requests', {
      error: { code: 'limit_exceeded', message: 'at most 100 sets per tenant' },
    })
    expect(err.message).toBe('The API answered 429 limit_exceeded: at most 100 sets per tenant')
    expect([err.status, err.code]).toEqual([429, 'limit_exceeded'])
    expect(apiError(502, 'Bad Gateway', null).message).toBe('The API answered 502: Bad Gateway')
    expect(apiError(500, '', 'oops').message).toBe('The API answered 500: request failed')
  })
  it('escapes set ids in paths', () => {
    expect(setPath('set_1', '/examples')).toBe('/v1/sets/set_1/examples')
    expect(setPath('a/b')).toBe('/v1/sets/a%2Fb')
  })
})

describe('page helpers', () => {
  it('fits an image into the pad whole and centred', () => {
    expect(fitContain(105, 105, 280, 280)).toEqual([0, 0, 280, 280])
    expect(fitContain(200, 100, 280, 280)).toEqual([0, 70, 280, 140])
    expect(fitContain(50, 100, 280, 280)).toEqual([70, 0, 140, 280])
  })

  it('labels uploads by file name', () => {
    expect(labelFromFileName('glyph 1.png', 64)).toBe('glyph 1')
    expect(labelFromFileName('a.b.jpeg', 64)).toBe('a.b')
    expect(labelFromFileName('x'.repeat(80) + '.png', 64)).toHaveLength(64)
  })

  it('scales bars to 10% past the threshold or the farthest', () => {
    const top = [
      { label: 'a', distance: 0.5 },
      { label: 'b', distance: 2 },
    ]
    expect(barScale(top, 1)).toBeCloseTo(2.2)
    expect(barScale(top, 3)).toBeCloseTo(3.3)
    expect(barScale([], null)).toBeGreaterThan(0)
    expect([fmt(0.12345), fmt(null)]).toEqual(['0.123', 'null'])
  })

  it('offers character sets only, each with its name, sizes and id', () => {
    const set = (model: string | null, alias: string | null): SetInfo => ({
      id: 'set_1',
      name: 'demo page',
      model,
      alias,
      threshold: null,
      count: 1,
      labels: ['a'],
    })
    const faces = new Set(['face-v1'])
    const aliases = new Set(['face'])
    expect(isCharacterSet(set('glyph-v1', 'default'), faces, aliases)).toBe(true)
    expect(isCharacterSet(set(null, 'default'), faces, aliases)).toBe(true)
    expect(isCharacterSet(set('face-v1', null), faces, aliases)).toBe(false)
    expect(isCharacterSet(set(null, 'face'), faces, aliases)).toBe(false)
    expect(setOptionText(set(null, null))).toBe('demo page: 1 class, 1 example (set_1)')
    const big = { ...set(null, null), name: null, count: 7, labels: ['a', 'b'] }
    expect(setOptionText(big)).toBe('unnamed: 2 classes, 7 examples (set_1)')
  })

  it('shrinks photos to 1024 px on the longer side, never up', () => {
    expect(shrunkSize(4000, 3000)).toEqual([1024, 768])
    expect(shrunkSize(300, 200)).toEqual([300, 200])
    expect(shrunkSize(5000, 1)).toEqual([1024, 1])
  })

  it('puts a caption above its box, else below, inside the canvas', () => {
    expect(captionAt(10, 50, 40, 30, 20, 200, 200)).toEqual([10, 30])
    expect(captionAt(10, 5, 40, 30, 20, 200, 200)).toEqual([10, 45])
    expect(captionAt(190, 5, 190, 30, 20, 200, 200)).toEqual([170, 180])
  })

  it('names faces and rounds similarities', () => {
    expect([faceName({ label: 'Ada' }), faceName({ label: 'Ada', unknown: true })]).toEqual([
      'Ada',
      'unknown',
    ])
    expect([sim(72.6), sim(undefined)]).toEqual([73, '?'])
  })

  it('words camera failures', () => {
    expect(cameraError({ name: 'NotAllowedError' }).message).toMatch(/blocked/)
    expect(cameraError({ name: 'NotFoundError' }).message).toMatch(/No camera found/)
    expect(cameraError(new Error('x')).message).toBe('Could not start the camera: x')
  })

  it('moves between tabs with the arrow keys, Home and End, wrapping around', () => {
    expect(tabForKey('ArrowRight', 1, 2)).toBe(0)
    expect(tabForKey('ArrowLeft', 0, 2)).toBe(1)
    expect([tabForKey('Home', 1, 2), tabForKey('End', 0, 2)]).toEqual([0, 1])
    expect(tabForKey('a', 0, 2)).toBeNull()
  })
})
