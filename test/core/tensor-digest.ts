// Shared by the Node and workerd parity tests and the fixture generator, so all three hash
// tensors the same way.
import type { PreprocessSpec } from '../../src/core'

/** The preprocessing the parity fixtures are checked under (an Omniglot-like 28x28 model). */
export const PARITY_SPEC: PreprocessSpec = {
  input: { name: 'input', height: 28, width: 28, channels: 1, layout: 'NCHW' },
  preprocess: {
    grayscale: true,
    invert: true,
    resize: 'area',
    scale: 1 / 255,
    mean: 0.1,
    std: 0.3,
  },
}

/** Colour variant, so the RGB path is pinned too. */
export const PARITY_SPEC_RGB: PreprocessSpec = {
  input: { name: 'input', height: 20, width: 24, channels: 3, layout: 'NCHW' },
  preprocess: {
    grayscale: false,
    invert: false,
    resize: 'area',
    scale: 1 / 255,
    mean: 0.5,
    std: 0.25,
  },
}

/** SHA-256 (hex) of a typed array's bytes, via Web Crypto so Node and workerd share the code. */
export async function digestHex(array: ArrayBufferView): Promise<string> {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength)
  const hash = await crypto.subtle.digest('SHA-256', bytes.slice())
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** Decodes the base64 that fixtures.ts stores (atob exists in both runtimes). */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text)
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}
