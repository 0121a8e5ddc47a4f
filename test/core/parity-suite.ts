import { describe, expect, it } from 'vitest'
import { decodeImage, preprocessImage } from '../../src/core'
import { IMAGE_FIXTURES } from '../fixtures/images/fixtures'
import { digestHex, fromBase64, PARITY_SPEC, PARITY_SPEC_RGB } from './tensor-digest'

/**
 * Decodes and preprocesses every committed fixture and compares SHA-256 digests of the pixels
 * and tensors with those scripts/make-image-fixtures.ts recorded in Node. Registered by both
 * decode-parity.test.ts (Node) and decode-parity.workerd.test.ts (workerd), so a change in
 * either runtime, or in the code, breaks at least one of them.
 */
export function describeDecodeParity(runtime: string): void {
  describe(`decode + preprocess are bit-identical to the recorded digests (${runtime})`, () => {
    for (const fx of IMAGE_FIXTURES) {
      it(fx.name, async () => {
        const img = decodeImage(fromBase64(fx.base64))
        expect([img.width, img.height, img.channels]).toEqual([fx.width, fx.height, fx.channels])
        expect(await digestHex(img.data)).toBe(fx.pixelsSha256)
        expect(await digestHex(preprocessImage(img, PARITY_SPEC))).toBe(fx.greySha256)
        expect(await digestHex(preprocessImage(img, PARITY_SPEC_RGB))).toBe(fx.rgbSha256)
      })
    }
  })
}
