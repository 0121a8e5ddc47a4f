// What `npm run deploy` refuses in a wrangler configuration: anything that would make a deployed
// Worker accept the development key. The Worker accepts DEV_API_KEY only with
// ENVIRONMENT=development (src/edge/auth/dev.ts), which belongs in .dev.vars (read by
// `wrangler dev` only), never in wrangler.toml: its vars ship with every deploy.

/** TOML text without comments (a `#` outside a string starts one). */
function stripComments(toml: string): string[] {
  return toml.split(/\r?\n/).map((line) => {
    let quote: string | null = null
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!
      if (quote) {
        if (ch === '\\' && quote === '"') i++
        else if (ch === quote) quote = null
      } else if (ch === '"' || ch === "'") quote = ch
      else if (ch === '#') return line.slice(0, i)
    }
    return line
  })
}

/**
 * The reasons a wrangler.toml must not be deployed (empty: fine). Refused anywhere in the file
 * (top-level `[vars]`, `[env.<name>.vars]`, inline tables): a `DEV_API_KEY` and an
 * `ENVIRONMENT = "development"`.
 *
 * @example
 * deployConfigProblems('[vars]\nENVIRONMENT = "development"') // ['line 2: ...']
 */
export function deployConfigProblems(toml: string): string[] {
  const problems: string[] = []
  stripComments(toml).forEach((line, i) => {
    const at = `wrangler.toml line ${i + 1}`
    if (/\bDEV_API_KEY\b/.test(line))
      problems.push(`${at}: DEV_API_KEY belongs in .dev.vars (wrangler dev only), never in vars`)
    if (/\bENVIRONMENT\b\s*=\s*["']development["']/.test(line))
      problems.push(
        `${at}: ENVIRONMENT = "development" would make a deployed Worker accept the dev key; ` +
          'set it in .dev.vars instead',
      )
  })
  return problems
}
