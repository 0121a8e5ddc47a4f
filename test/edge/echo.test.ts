// Error messages repeat at most a bounded prefix of what the client sent (issue 19: a
// 60,000-character set id came back whole in the 404).
import { describe, expect, it } from 'vitest'
import { ECHO_CHARS, echo } from '../../src/edge/errors'
import { apiFor, setWith } from './helpers'

const api = apiFor()
const huge = 'set_' + 'a'.repeat(60_000)

describe('error messages truncate what they echo', () => {
  it('clips with a count of what was left out', () => {
    expect(echo('short')).toBe('short')
    expect(echo('x'.repeat(70))).toBe(`${'x'.repeat(ECHO_CHARS)}…(+6 chars)`)
  })

  it('a 60,000-character set id, example id, label, model, path or content type', async () => {
    const id = await setWith(api, [1])
    const answers = [
      await api.get(`/v1/sets/${huge}`),
      await api.del(`/v1/sets/${id}/examples/${'ex_' + 'b'.repeat(60_000)}`),
      await api.del(`/v1/sets/${id}/labels/${'c'.repeat(150)}`),
      await api.post('/v1/sets', { json: { model: 'm'.repeat(60_000) } }),
      await api.get(`/${'p'.repeat(60_000)}`),
      await api.post(`/v1/sets/${id}/examples`, { body: 'x', type: `text/${'t'.repeat(60_000)}` }),
    ]
    for (const r of answers) {
      expect(r.status).toBeGreaterThanOrEqual(400)
      expect(r.json.error.message.length).toBeLessThan(400)
    }
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 422, 404, 415])
    expect(answers[0]!.json.error.message).toContain('(+59940 chars)')
  })
})
