// The tenant's support sets as the Characters tab offers them: every set but those of face
// models (the Faces tab has its own), in the "Support set" list.
import { setPath, type Api } from './api'
import { el } from './dom'

/** The fields of the API's SupportSet the page uses. */
export interface SetInfo {
  id: string
  name: string | null
  model: string | null
  alias: string | null
  threshold: number | null
  count: number
  labels: string[]
}

interface ModelList {
  models: { id: string; kind?: string; threshold?: { distance: number } }[]
}

/** Whether a set is for characters: neither its model nor the alias it follows is a face model's. */
export function isCharacterSet(
  set: SetInfo,
  faceModels: Set<string>,
  faceAliases: Set<string>,
): boolean {
  return !(set.model && faceModels.has(set.model)) && !(set.alias && faceAliases.has(set.alias))
}

/** How a set reads in the list: its name, classes and examples, and its id. */
export function setOptionText(set: SetInfo): string {
  const n = set.labels.length
  const classes = `${n} class${n === 1 ? '' : 'es'}`
  const examples = `${set.count} example${set.count === 1 ? '' : 's'}`
  return `${set.name || 'unnamed'}: ${classes}, ${examples} (${set.id})`
}

/** The models the catalogue lists (GET /v1/models), null when it cannot be read. */
async function models(
  api: Api,
): Promise<(ModelList & { aliases?: Record<string, string> }) | null> {
  return api<ModelList & { aliases?: Record<string, string> }>('GET', '/v1/models').catch(
    () => null,
  )
}

/** The tenant's character sets, every page of GET /v1/sets (at most 100 sets a tenant). */
export async function listCharacterSets(api: Api): Promise<SetInfo[]> {
  const catalogue = await models(api)
  const face = new Set((catalogue?.models ?? []).filter((m) => m.kind === 'face').map((m) => m.id))
  const aliases = Object.entries(catalogue?.aliases ?? {})
  const faceAliases = new Set(aliases.filter(([, id]) => face.has(id)).map(([a]) => a))
  const sets: SetInfo[] = []
  let cursor: string | null = null
  for (let page = 0; page < 10; page++) {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
    const out: { sets: SetInfo[]; cursor: string | null } = await api(
      'GET',
      `/v1/sets?limit=100${q}`,
    )
    sets.push(...out.sets)
    cursor = out.cursor
    if (!cursor) break
  }
  return sets.filter((s) => isCharacterSet(s, face, faceAliases))
}

/** The distance threshold to draw: the set's, else its model's calibrated one, else none. */
export async function thresholdOf(api: Api, set: SetInfo): Promise<number | null> {
  if (set.threshold != null) return set.threshold
  const catalogue = await models(api)
  return catalogue?.models.find((m) => m.id === set.model)?.threshold?.distance ?? null
}

/** Fills the <select>: "new set" first, then the sets; `selected` (an id, or '' for new) chosen. */
export function renderSetOptions(
  select: HTMLSelectElement,
  sets: SetInfo[],
  selected: string,
): void {
  select.textContent = ''
  const fresh = el('option', 'New set (the next Teach creates one)')
  fresh.value = ''
  select.append(fresh)
  for (const s of sets) {
    const o = el('option', setOptionText(s))
    o.value = s.id
    select.append(o)
  }
  select.value = sets.some((s) => s.id === selected) ? selected : ''
}

/** GET /v1/sets/:id. */
export function getSet(api: Api, id: string): Promise<SetInfo> {
  return api<SetInfo>('GET', setPath(id))
}
