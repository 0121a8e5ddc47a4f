// `npm run deploy` refuses a configuration under which a deployed Worker would accept the dev key.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { deployConfigProblems } from '../../scripts/deploy-check'

describe('deploy configuration check', () => {
  it('passes the shipped wrangler.toml (no dev environment or dev key in its vars)', () => {
    expect(deployConfigProblems(readFileSync('wrangler.toml', 'utf8'))).toEqual([])
  })

  it('refuses ENVIRONMENT="development" and DEV_API_KEY in any vars table', () => {
    expect(deployConfigProblems('[vars]\nENVIRONMENT = "development"\n')).toHaveLength(1)
    expect(deployConfigProblems("[env.prod.vars]\nENVIRONMENT='development'")).toHaveLength(1)
    expect(deployConfigProblems('vars = { DEV_API_KEY = "k" }')).toHaveLength(1)
    expect(deployConfigProblems('[vars]\nDEV_API_KEY = "k"\nENVIRONMENT = "development"')).toEqual([
      expect.stringContaining('line 2'),
      expect.stringContaining('line 3'),
    ])
  })

  it('ignores comments and other values', () => {
    expect(deployConfigProblems('# DEV_API_KEY = "k"\n[vars]\nENVIRONMENT = "production"')).toEqual(
      [],
    )
    expect(deployConfigProblems('name = "x" # ENVIRONMENT = "development"')).toEqual([])
  })
})

describe('rate limits in wrangler.toml', () => {
  it('state the numbers src/edge/limits.ts documents', async () => {
    const { RATE_LIMITS } = await import('../../src/edge/limits')
    const toml = readFileSync('wrangler.toml', 'utf8')
    const limits = Object.fromEntries(
      [
        ...toml.matchAll(
          /name = "(\w+)"\s+namespace_id = "\d+"\s+simple = \{ limit = (\d+), period = (\d+) \}/g,
        ),
      ].map((m) => [m[1], { limit: Number(m[2]), period: Number(m[3]) }]),
    )
    expect(limits).toEqual({
      KEY_LIMITER: RATE_LIMITS.perKey,
      TENANT_LIMITER: RATE_LIMITS.perTenant,
      AUTH_FAIL_LIMITER: RATE_LIMITS.failedAuthPerAddress,
    })
  })
})
