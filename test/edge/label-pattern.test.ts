import { describe, expect, it } from 'vitest'
import { LABEL_PATTERN, LABEL_PATTERN_PORTABLE } from '../../src/edge/limits'

// /openapi.json states LABEL_PATTERN_PORTABLE; the API validates with LABEL_PATTERN.
const portable = [new RegExp(LABEL_PATTERN_PORTABLE), new RegExp(LABEL_PATTERN_PORTABLE, 'u')]

describe('the label pattern the OpenAPI document states', () => {
  it('agrees with the API on every ASCII string of one or two characters', () => {
    for (let a = 0; a < 128; a++)
      for (let b = -1; b < 128; b++) {
        const s = String.fromCharCode(a) + (b < 0 ? '' : String.fromCharCode(b))
        const api = LABEL_PATTERN.test(s)
        for (const re of portable) expect(re.test(s), JSON.stringify(s)).toBe(api)
      }
  })

  it('accepts every label the API accepts, in any script', () => {
    for (const s of ['alpha', 'ä字', 'Ω-1', "O'Brien (2)", 'ß.x:y_z', '٣ arabic', '𝔘nicode'])
      for (const re of [LABEL_PATTERN, ...portable]) expect(re.test(s), s).toBe(true)
  })

  it('is looser than the API only on non-ASCII non-letters', () => {
    for (const s of ['a→b', 'a\u00a0b', '€'])
      expect([LABEL_PATTERN.test(s), ...portable.map((re) => re.test(s))]).toEqual([
        false,
        true,
        true,
      ])
  })
})
