// The Faces tab: one face set per browser, created by the first enrolment, its id kept in
// localStorage, deleted by "New set"; enrol people from photos or camera frames, identify every
// face of a photo, verify two photos (photos.ts shrinks them before upload).
import { setPath, UiError } from './api'
import { createCamera, type Camera } from './camera'
import { recall, remember, unless404, type PageContext } from './context'
import { $, el, takeFiles } from './dom'
import { drawFaces, faceThumb, photoFromFile, type Box, type Photo } from './photos'
import { fmt } from './result'

const FACE_SET_KEY = 'oneshot-demo.faceSet'
const KNOWN = '#1f5fbf'
const UNKNOWN = '#8a5300'

interface FaceSet {
  id: string
  labels: string[]
  count: number
}
interface Face {
  box?: Box
  label?: string | null
  unknown?: boolean
  similarity?: number
  top?: { label: string }[]
  faces?: Face[]
}

/** A similarity as shown: a whole number of 0-100, '?' without one. */
export function sim(x: unknown): string | number {
  return typeof x === 'number' ? Math.round(x) : '?'
}

export function faceName(f: Face): string {
  return f.unknown || !f.label ? 'unknown' : f.label
}

/** Wires the tab; returns its camera (the tabs turn it off when the person leaves the tab). */
export function setupFaces({ api, action, keyInput, configLoaded }: PageContext): Camera {
  // The set in use, or null before the first enrolment.
  let faceSet: FaceSet | null = null
  // Label -> a small crop of the face last enrolled under it (this page only, never stored).
  let thumbs: Record<string, string> = {}
  const camera = createCamera($<HTMLVideoElement>('camera-video'))

  const faceSay = (text: string) => {
    $('face-status').textContent = text
  }
  const path = (rest = '') => setPath(faceSet!.id, rest)

  function useSet(set: FaceSet | null) {
    faceSet = set ? { id: set.id, labels: (set.labels || []).slice(), count: set.count || 0 } : null
    remember(FACE_SET_KEY, set ? set.id : null)
    if (!set) thumbs = {}
    renderPeople()
  }

  /** The stored set, read back from the API; null (and forgotten) when it no longer exists. */
  async function loadStoredSet(): Promise<FaceSet | null> {
    const id = recall(FACE_SET_KEY)
    if (!id) return null
    try {
      const set = await api<FaceSet>('GET', setPath(id))
      useSet(set)
      return set
    } catch (err) {
      unless404(err)
      remember(FACE_SET_KEY, null)
      return null
    }
  }

  async function ensureSet(): Promise<FaceSet> {
    if (faceSet) return faceSet
    const set = await loadStoredSet()
    if (set) return set
    useSet(await api<FaceSet>('POST', '/v1/sets', { name: 'faces (demo page)', model: 'face' }))
    return faceSet!
  }

  /** A request on the set failed: when the set is gone (deleted elsewhere), start afresh. */
  function setGone(err: unknown): never {
    if (err instanceof UiError && err.status === 404 && faceSet) {
      useSet(null)
      throw new UiError('The face set no longer exists; enrol people again to create a new one.')
    }
    throw err
  }

  function person(label: string): HTMLLIElement {
    const li = el('li')
    if (thumbs[label]) {
      const img = el('img')
      img.src = thumbs[label]
      img.alt = `The face enrolled as ${label}`
      li.append(img)
    } else {
      // Enrolled on an earlier visit: the photos stay with the API, so an initial stands in.
      const initial = el('span', label.charAt(0).toUpperCase())
      initial.className = 'initial'
      initial.setAttribute('aria-hidden', 'true')
      li.append(initial)
    }
    const name = el('p', label)
    name.className = 'name'
    const forget = el('button', 'Forget')
    forget.type = 'button'
    forget.setAttribute('aria-label', `Forget ${label}`)
    forget.addEventListener(
      'click',
      action(async () => {
        try {
          await api('DELETE', path(`/labels/${encodeURIComponent(label)}`))
          delete thumbs[label]
          useSet(await api<FaceSet>('GET', path()))
        } catch (err) {
          setGone(err)
        }
        faceSay(`Forgot ${label}: their photos are erased from the set.`)
      }),
    )
    li.append(name, forget)
    return li
  }

  function renderPeople() {
    const note = $('face-set')
    const list = $('people')
    list.textContent = ''
    if (!faceSet) {
      note.textContent = 'No face set yet: the first enrolment creates one.'
      $('face-count').textContent = ''
      return
    }
    const n = faceSet.labels.length
    note.textContent =
      `Face set ${faceSet.id}: ${faceSet.count} photo(s) of ${n} people. Its id stays in this ` +
      'browser; New set deletes it.'
    $('face-count').textContent = `(${n})`
    for (const label of faceSet.labels) list.append(person(label))
  }

  async function enrol(photos: Photo[], label: string) {
    if (!label) throw new UiError("Enter the person's name first.")
    if (!photos.length) throw new UiError(`Choose a photo of ${label} first.`)
    await ensureSet()
    const examples = photos.map((p) => ({ label, image: p.image }))
    const out = await api<{ count: number; boxes?: Box[] }>('POST', path('/examples'), {
      examples,
    }).catch(setGone)
    const boxes = out.boxes ?? []
    const last = photos.length - 1
    if (boxes[last]) thumbs[label] = faceThumb(photos[last]!, boxes[last])
    const set = faceSet!
    set.count = out.count
    if (!set.labels.includes(label)) {
      set.labels.push(label)
      set.labels.sort()
    }
    renderPeople()
    faceSay(`Enrolled ${photos.length} photo(s) of ${label}.`)
  }

  function clearIdentified() {
    $('identify-result').textContent = ''
    $('identify-canvas').hidden = true
  }
  async function identify(photo: Photo) {
    clearIdentified()
    const set = faceSet ?? (await loadStoredSet())
    if (!set || !faceSet!.labels.length) throw new UiError('Enrol at least one person first.')
    const body = { images: [photo.image], k: 3 }
    const out = await api<{ results: Face[] }>(
      'POST',
      path('/classify?consistency=strong'),
      body,
    ).catch(setGone)
    const r = out.results[0]!
    const faces = r.faces || (r.box ? [r] : [])
    const marked = faces.map((f) => ({
      box: f.box,
      color: f.unknown ? UNKNOWN : KNOWN,
      text: `${faceName(f)} ${sim(f.similarity)}`,
    }))
    drawFaces($<HTMLCanvasElement>('identify-canvas'), photo, marked)
    renderFaces($('identify-result'), faces)
  }

  /** The faces found, largest first: a headline for the largest, then one line per face. */
  function renderFaces(box: HTMLElement, faces: Face[]) {
    const answer = el('p')
    answer.id = 'identify-answer'
    const first = faces[0]
    if (!first) {
      answer.className = 'answer unknown'
      answer.textContent = 'No face found'
      box.append(answer)
      return
    }
    answer.className = 'answer' + (first.unknown ? ' unknown' : '')
    answer.textContent = faceName(first)
    const lead = el(
      'p',
      faces.length === 1
        ? 'One face; similarity above 50 of 100 is a match:'
        : `${faces.length} faces, largest first; similarity above 50 of 100 is a match:`,
    )
    lead.className = 'note'
    const ol = el('ol')
    ol.className = 'faces-found'
    for (const f of faces) {
      const li = el('li')
      const name = el('strong', faceName(f))
      if (f.unknown) name.className = 'unknown'
      const nearest = f.top?.[0]
      const more = f.unknown && nearest ? ` (closest: ${nearest.label})` : ''
      li.append(name, document.createTextNode(`: similarity ${sim(f.similarity)}${more}`))
      ol.append(li)
    }
    box.append(answer, lead, ol)
  }

  async function verify(fileA: File, fileB: File) {
    const out = $('verify-result')
    out.textContent = ''
    $('verify-canvas-a').hidden = true
    $('verify-canvas-b').hidden = true
    const [a, b] = await Promise.all([photoFromFile(fileA), photoFromFile(fileB)])
    const body = { a: a.image, b: b.image, model: 'face' }
    const v = await api<{
      same: boolean
      similarity?: number
      distance: number
      threshold: number
      boxes?: { a: Box; b: Box }
    }>('POST', '/v1/verify', body)
    const color = v.same ? KNOWN : UNKNOWN
    drawFaces($<HTMLCanvasElement>('verify-canvas-a'), a, [{ box: v.boxes?.a, color, text: '' }])
    drawFaces($<HTMLCanvasElement>('verify-canvas-b'), b, [{ box: v.boxes?.b, color, text: '' }])
    const verdict = el('p', v.same ? 'Same person' : 'Different people')
    verdict.id = 'verify-answer'
    verdict.className = 'verdict' + (v.same ? '' : ' different')
    const detail = el(
      'p',
      `Similarity ${sim(v.similarity)} of 100 (above 50: the same person; distance ` +
        `${fmt(v.distance)}, threshold ${fmt(v.threshold)}).`,
    )
    detail.className = 'note'
    out.append(verdict, detail)
  }

  const nameInput = $<HTMLInputElement>('face-name')
  $('face-enrol').addEventListener(
    'click',
    action(async () => {
      const label = nameInput.value.trim()
      if (!label) throw new UiError("Enter the person's name first.")
      const files = takeFiles('face-photo')
      if (!files.length) throw new UiError(`Choose a photo of ${label} first.`)
      await enrol(await Promise.all(files.map(photoFromFile)), label)
      nameInput.value = ''
    }),
  )

  $('face-new-set').addEventListener(
    'click',
    action(async () => {
      const old = faceSet ? faceSet.id : recall(FACE_SET_KEY)
      useSet(null)
      clearIdentified()
      if (!old) return faceSay('The next enrolment creates a new face set.')
      await api('DELETE', setPath(old)).catch(unless404)
      faceSay('Deleted the old face set and its photos; the next enrolment creates a new one.')
    }),
  )

  $('identify-photo').addEventListener(
    'change',
    action(async () => {
      const file = takeFiles('identify-photo')[0]
      clearIdentified() // no answer about the previous photo beside this one
      if (file) await identify(await photoFromFile(file))
    }),
  )

  $('verify').addEventListener(
    'click',
    action(() => {
      const a = $<HTMLInputElement>('verify-a').files?.[0]
      const b = $<HTMLInputElement>('verify-b').files?.[0]
      if (!a || !b) throw new UiError('Choose two photos to compare.')
      return verify(a, b)
    }),
  )

  $('camera-start').addEventListener('click', action(camera.start))
  $('camera-stop').addEventListener('click', () => camera.stop())
  $('camera-enrol').addEventListener(
    'click',
    action(async () => {
      const label = nameInput.value.trim()
      if (!label) throw new UiError("Enter the person's name (under Enrol people) first.")
      await enrol([await camera.capture()], label)
    }),
  )
  $('camera-identify').addEventListener(
    'click',
    action(async () => {
      clearIdentified()
      await identify(await camera.capture())
    }),
  )

  // A set remembered from an earlier visit: list its people once the key is known.
  void configLoaded
    .then(() => {
      if (keyInput.value.trim() && recall(FACE_SET_KEY)) return loadStoredSet()
    })
    .catch(() => {})
  return camera
}
