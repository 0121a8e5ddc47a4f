// The Characters tab: draw or upload classes (one or more examples each), teach them into a
// support set, classify a drawn or uploaded query. The set is reused: Teach makes it hold exactly
// the listed classes (deleting the labels of removed classes, adding only new examples), and it
// can be picked from the tenant's sets (remembered in this browser) or deleted.
import { LIMITS } from '../../limits'
import { setPath, UiError } from './api'
import { batches, markSent, planTeach, type CharClass } from './class-list'
import { createClasses } from './classes'
import { recall, remember, unless404, type PageContext } from './context'
import { $, labelFromFileName, readDataUrl, takeFiles } from './dom'
import { createPad } from './pad'
import { renderResult, type ClassifyResult } from './result'
import { getSet, listCharacterSets, renderSetOptions, thresholdOf, type SetInfo } from './sets'

const SET_KEY = 'oneshot-demo.charSet'
// data: URLs per request: half the API's body limit leaves room for JSON and base64 overhead.
const MAX_CHARS = LIMITS.bodyBytes / 2

interface Samples {
  classes: { label: string; png: string }[]
  queries: { label: string; png: string }[]
}

export function setupChars({ api, action, keyInput, configLoaded }: PageContext): void {
  const main = document.querySelector('main')!
  const max = Number(main.dataset.maxClasses || 20)
  const statusBox = $('status')
  const result = $('result')
  const select = $<HTMLSelectElement>('set-select')
  const pad = createPad($<HTMLCanvasElement>('pad'))
  // The set Teach writes into and Classify asks; null: the next Teach creates one.
  let current: { id: string; threshold: number | null } | null = null
  // The listed classes differ from what the set holds: Classify teaches first.
  let dirty = false
  let samples: Samples | null = null
  let sampleQuery = 0
  const classes = createClasses({
    root: $('classes'),
    count: $('count'),
    max,
    maxLabel: LIMITS.labelLength,
    onChange: changed,
    onAddTo: (item) => void action(() => addDrawing(item))(),
  })
  const list = classes.list

  function say(text: string) {
    statusBox.textContent = text
  }
  function changed() {
    dirty = true
    result.textContent = '' // an answer about other classes
  }

  /** Uses `set` (null: none, the next Teach creates one); its classes join the list. */
  async function use(set: SetInfo | null) {
    list.detach()
    current = null
    if (set) {
      list.attach(set.labels)
      current = { id: set.id, threshold: await thresholdOf(api, set) }
    }
    remember(SET_KEY, current?.id ?? null)
    dirty = list.all().some((c) => c.images.length > c.sent)
    classes.render()
    result.textContent = ''
    if (select.value !== (set?.id ?? '')) select.value = set?.id ?? ''
  }

  async function refreshSets() {
    renderSetOptions(select, await listCharacterSets(api), current?.id ?? '')
  }

  async function addDrawing(item: CharClass) {
    if (pad.isEmpty()) throw new UiError('Draw something on the pad first.')
    item.images.push(await pad.png())
    pad.reset()
    classes.render()
    changed()
    say(`Added drawing ${item.images.length} of "${item.label.trim()}".`)
  }

  async function teach() {
    let set: SetInfo | null = null
    if (current) set = await getSet(api, current.id).catch((err) => (unless404(err), null))
    if (current && !set) await use(null) // deleted elsewhere: start a new one
    const items = list.all()
    if (items.length < 2) throw new UiError('Add at least two classes to teach.')
    const created = !set
    if (!set) {
      set = await api<SetInfo>('POST', '/v1/sets', { name: 'demo page' }).catch((err) => {
        if (err instanceof UiError && err.status === 429)
          throw new UiError(`${err.message}. Pick an earlier set under Support set, or delete one.`)
        throw err
      })
    }
    const plan = planTeach(items, set.labels)
    try {
      for (const label of plan.remove)
        await api('DELETE', setPath(set.id, `/labels/${encodeURIComponent(label)}`)).catch(
          unless404,
        )
      list.forget(plan.remove)
      for (const batch of batches(plan.add, LIMITS.imagesPerRequest, MAX_CHARS)) {
        const examples = batch.map((p) => ({ label: p.label, image: p.image }))
        await api('POST', setPath(set.id, '/examples'), { examples })
        markSent(batch)
      }
    } catch (err) {
      if (created) {
        api('DELETE', setPath(set.id)).catch(() => {})
        list.detach()
      }
      throw err
    }
    current = { id: set.id, threshold: await thresholdOf(api, set) }
    remember(SET_KEY, set.id)
    dirty = false
    await refreshSets().catch(() => {})
    const sent = plan.add.length
    const removed = plan.remove.length ? `, removed ${plan.remove.length} old class(es)` : ''
    say(
      `Taught ${items.length} classes (${created ? 'new ' : ''}set ${set.id}: ${sent} new ` +
        `example(s)${removed}). Draw a query and press Classify.`,
    )
  }

  async function classify() {
    result.textContent = ''
    if (pad.isEmpty()) throw new UiError('Draw a query on the pad first.')
    if (!current || dirty) await teach()
    const image = await pad.png()
    const k = Math.min(5, list.all().length)
    const body = { images: [image], k, mode: 'nearest' }
    // Strong: the answer sees the examples Teach just wrote (a reused set's snapshot may lag).
    const path = setPath(current!.id, '/classify?consistency=strong')
    const out = await api<{ results: ClassifyResult[] }>('POST', path, body)
    renderResult(result, out.results[0]!, current!.threshold)
  }

  $('clear').addEventListener('click', () => pad.reset())

  $('add-class').addEventListener(
    'click',
    action(async () => {
      if (pad.isEmpty()) throw new UiError('Draw something on the pad first.')
      const nameInput = $<HTMLInputElement>('class-name')
      const label = nameInput.value.trim() || `class ${list.all().length + 1}`
      const item = list.add(label, await pad.png())
      classes.render()
      changed()
      pad.reset()
      nameInput.value = ''
      const n = item.images.length
      say(
        n > 1
          ? `Added drawing ${n} of "${label}". Draw another, or press Teach.`
          : `Added "${label}". Draw the next class (or another "${label}" under the same ` +
              'name), or press Teach.',
      )
    }),
  )

  $('upload').addEventListener(
    'change',
    action(async () => {
      const files = takeFiles('upload')
      const nameInput = $<HTMLInputElement>('class-name')
      const named = nameInput.value.trim()
      // Labels come from the name field, else from file names; the API checks them when teaching.
      const labels = files.map(
        (f, i) => named || labelFromFileName(f.name, LIMITS.labelLength) || `image ${i + 1}`,
      )
      const room = max - list.all().length
      if (list.countNew(labels) > room) throw new UiError(`At most ${max} classes; ${room} left.`)
      const urls = await Promise.all(files.map(readDataUrl))
      urls.forEach((url, i) => list.add(labels[i]!, url))
      classes.render()
      changed()
      nameInput.value = ''
      say(`Added ${files.length} uploaded image(s)${named ? ` to "${named}"` : ''}.`)
    }),
  )

  $('remove-all').addEventListener('click', () => {
    list.clear()
    classes.render()
    changed()
    say('')
  })

  // The pad keeps what it shows: a drawn or sample query stays for Classify.
  $('teach').addEventListener('click', action(teach))
  $('classify').addEventListener('click', action(classify))

  $('query-upload').addEventListener(
    'change',
    action(async () => {
      const file = takeFiles('query-upload')[0]
      if (!file) return
      await pad.show(await readDataUrl(file))
      say(`${file.name} is on the pad as the query.`)
      await classify()
    }),
  )

  $('example').addEventListener(
    'click',
    action(async () => {
      if (!samples) {
        const r = await fetch('/demo/samples.json')
        if (!r.ok) throw new UiError(`Could not load the sample drawings (${r.status}).`)
        samples = (await r.json()) as Samples
      }
      const s = samples
      list.clear()
      for (const c of s.classes) list.add(c.label, `data:image/png;base64,${c.png}`)
      classes.render()
      changed()
      const q = s.queries[sampleQuery++ % s.queries.length]!
      await pad.show(`data:image/png;base64,${q.png}`)
      say(
        `Loaded ${s.classes.length} sample classes, and another drawing of "${q.label}" on the ` +
          'pad. Press Classify (it teaches first).',
      )
    }),
  )

  select.addEventListener(
    'change',
    action(async () => {
      const id = select.value
      if (!id) {
        await use(null)
        say('The next Teach creates a new set.')
        return
      }
      const set = await getSet(api, id).catch(async (err) => {
        unless404(err)
        await refreshSets()
        throw new UiError(`Set ${id} no longer exists.`)
      })
      await use(set)
      say(
        `Using set ${set.id}: ${set.labels.length} class(es). Classify asks it; Teach updates it.`,
      )
    }),
  )

  $('set-delete').addEventListener(
    'click',
    action(async () => {
      const id = select.value
      if (!id) throw new UiError('Pick a set to delete first.')
      await api('DELETE', setPath(id)).catch(unless404)
      if (current?.id === id) await use(null)
      await refreshSets()
      say(`Deleted set ${id} and its examples.`)
    }),
  )

  // A key typed in: list that tenant's sets (quietly; the actions report errors).
  keyInput.addEventListener('change', () => void refreshSets().catch(() => {}))

  // The set used on an earlier visit, when it still exists, is the current one again.
  void configLoaded
    .then(async () => {
      if (!keyInput.value.trim()) return
      await refreshSets()
      const id = recall(SET_KEY)
      if (!id || current) return
      const set = await getSet(api, id).catch((err) => (unless404(err), null))
      if (set && !current) await use(set)
      else if (!set) remember(SET_KEY, null)
    })
    .catch(() => {})
}
