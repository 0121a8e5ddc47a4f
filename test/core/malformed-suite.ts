import { describe, expect, it } from 'vitest'
import { decodeImage, ImageDecodeError } from '../../src/core'
import { malformedImages } from './malformed-corpus'

/**
 * Every corpus entry must fail with its ImageDecodeError code (a hang fails at the test timeout;
 * how long a rejection takes is measured by `npm run bench -- malformed`). Registered by the Node
 * and the workerd test files, so both runtimes are held to it.
 */
export function describeMalformedCorpus(runtime: string): void {
  describe(`malformed corpus (${runtime})`, () => {
    const corpus = malformedImages()

    it('has at least 30 distinct cases', () => {
      expect(corpus.length).toBeGreaterThanOrEqual(30)
      expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length)
    })

    for (const { name, bytes, code } of corpus) {
      it(`${name} -> ${code}`, () => {
        let caught: unknown
        try {
          decodeImage(bytes)
        } catch (error) {
          caught = error
        }
        expect(caught).toBeInstanceOf(ImageDecodeError)
        // The message rides along so a wrong code shows why in the failure output.
        const { message } = caught as ImageDecodeError
        expect({ code: (caught as ImageDecodeError).code, message }).toEqual({ code, message })
      })
    }
  })
}
