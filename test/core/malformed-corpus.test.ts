import { describe, expect, it } from 'vitest'
import { decodeImage, ImageDecodeError } from '../../src/core'
import { malformedImages } from './malformed-corpus'

describe('malformed corpus', () => {
  const corpus = malformedImages()

  it('has at least 30 distinct cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30)
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length)
  })

  for (const { name, bytes, code } of corpus) {
    it(`${name} -> ${code}`, () => {
      const start = performance.now()
      let caught: unknown
      try {
        decodeImage(bytes)
      } catch (error) {
        caught = error
      }
      const elapsed = performance.now() - start
      expect(caught).toBeInstanceOf(ImageDecodeError)
      expect({ code: (caught as ImageDecodeError).code, message: (caught as Error).message }).toMatchObject({ code })
      expect(elapsed).toBeLessThan(1000)
    })
  }
})
