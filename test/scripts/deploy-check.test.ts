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
