// A self-contained page (no CDN, no script): it is rendered on the server from /openapi.json.

type Json = Record<string, unknown>

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

function schemaBlock(schema: unknown): string {
  return `<pre>${esc(JSON.stringify(schema, null, 2))}</pre>`
}

function operation(path: string, method: string, op: Json): string {
  const params = ((op.parameters as Json[] | undefined) ?? [])
    .map(
      (p) => `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ', required' : ''})</li>`,
    )
    .join('')
  const body = Object.entries(
    ((op.requestBody as Json | undefined)?.content as Record<string, Json>) ?? {},
  )
    .map(
      ([type, media]) =>
        `<details><summary>${esc(type)}</summary>${schemaBlock(media.schema)}</details>`,
    )
    .join('')
  const responses = Object.entries((op.responses as Record<string, Json>) ?? {})
    .map(([status, r]) => `<li><b>${esc(status)}</b> ${esc(r.description ?? '')}</li>`)
    .join('')
  return `<section><h3><span class="m">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary ?? '')}</p>${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}
${body ? `<h4>Request body</h4>${body}` : ''}<h4>Responses</h4><ul>${responses}</ul></section>`
}

/** Renders an OpenAPI document as one HTML page. */
export function renderDocs(doc: Json): string {
  const info = (doc.info ?? {}) as Json
  const ops = Object.entries((doc.paths ?? {}) as Record<string, Record<string, Json>>)
    .flatMap(([path, methods]) => Object.entries(methods).map(([m, op]) => operation(path, m, op)))
    .join('\n')
  const schemas = Object.entries(((doc.components as Json | undefined)?.schemas as Json) ?? {})
    .map(([name, s]) => `<details><summary>${esc(name)}</summary>${schemaBlock(s)}</details>`)
    .join('')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}
section{border-top:1px solid #ddd;padding:.5rem 0} .m{background:#234;color:#fff;padding:0 .4rem;border-radius:3px}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:13px} code{font-size:14px}
</style></head><body><h1>${esc(info.title)}</h1><p>${esc(info.description ?? '')}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${esc(doc.openapi)}).</p>
${ops}<h2>Schemas</h2>${schemas}</body></html>`
}
