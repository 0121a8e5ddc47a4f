// A curl line for every operation of an OpenAPI document, appended to its description (Swagger
// UI renders it as a code block). Shell variables: U (the API's origin), KEY (an API key), and
// one per path parameter ({id} is $SET, {exampleId} $EXAMPLE, others their name in capitals).

type Json = Record<string, any>

const PARAM_VARS: Record<string, string> = { id: 'SET', exampleId: 'EXAMPLE' }

/** A small value of a JSON schema: its example, else its first enum value, else one per type. */
export function sampleValue(schema: Json | undefined, doc: Json, depth = 0): unknown {
  if (!schema || depth > 6) return null
  if (schema.$ref) {
    const name = String(schema.$ref).replace('#/components/schemas/', '')
    return sampleValue(doc.components?.schemas?.[name], doc, depth + 1)
  }
  if (schema.example !== undefined) return schema.example
  if (schema.default !== undefined) return schema.default
  if (schema.enum) return schema.enum[0]
  for (const k of ['anyOf', 'oneOf', 'allOf'])
    if (schema[k]?.length) return sampleValue(schema[k][0], doc, depth + 1)
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  if (type === 'object' || schema.properties) {
    const out: Json = {}
    for (const key of schema.required ?? [])
      out[key] = sampleValue(schema.properties?.[key], doc, depth + 1)
    return out
  }
  if (type === 'array') return [sampleValue(schema.items, doc, depth + 1)]
  if (type === 'string') return schema.format === 'byte' ? '<base64 PNG>' : 'text'
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1
  if (type === 'boolean') return true
  return null
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

/** The curl command for one operation (`path` as in the document, e.g. `/v1/sets/{id}`). */
export function curlLine(doc: Json, path: string, method: string, op: Json): string {
  const url = path.replace(/\{(\w+)\}/g, (_, p: string) => `$${PARAM_VARS[p] ?? p.toUpperCase()}`)
  const parts = ['curl -s']
  if (method !== 'get' && method !== 'post') parts.push(`-X ${method.toUpperCase()}`)
  if (op.security?.length) parts.push('-H "Authorization: Bearer $KEY"')
  const content: Json = op.requestBody?.content ?? {}
  if (content['image/png']) parts.push("-H 'content-type: image/png' --data-binary @glyph.png")
  else if (content['application/x-ndjson'])
    parts.push("-H 'content-type: application/x-ndjson' --data-binary @examples.ndjson")
  else if (content['application/json']) {
    const body = sampleValue(content['application/json'].schema, doc)
    parts.push(`-H 'content-type: application/json' -d ${shellQuote(JSON.stringify(body))}`)
  } else if (method === 'post') parts.push('-X POST')
  parts.push(`"$U${url}"`)
  return parts.join(' ')
}

/** Appends each operation's curl line to its description; returns the document. */
export function withCurlSamples<D extends object>(doc: D): D {
  const d = doc as Json
  for (const [path, methods] of Object.entries<Json>(d.paths ?? {}))
    for (const [method, op] of Object.entries<Json>(methods)) {
      if (typeof op !== 'object' || !op || !('responses' in op)) continue
      const sample = '```sh\n' + curlLine(d, path, method, op) + '\n```'
      op.description = op.description ? `${op.description}\n\n${sample}` : sample
    }
  return doc
}
