// The classes the Characters tab teaches, as plain data. Each class has a label and the drawings
// this page holds for it (one or more), and remembers what of it the current support set already
// stores, so that Teach sends only what changed (planTeach) into the same set.
import { UiError } from './api'

export interface CharClass {
  id: number
  label: string
  /** Drawings or uploads (data: URLs) this page holds for the class. */
  images: string[]
  /** The label its examples are stored under in the current set; null when none are. */
  storedAs: string | null
  /** How many of `images` (the first ones) the set stores. */
  sent: number
  /** Read from a picked set: the set stores examples of it that this page has no image of. */
  remote: boolean
}

/** One image Teach still has to send: the `index`th image of `item`, under `label`. */
export interface Pending {
  item: CharClass
  index: number
  label: string
  image: string
}

/** What Teach does to make the set hold exactly the listed classes. */
export interface TeachPlan {
  /** Labels to delete from the set: no listed class stores its examples under them any more. */
  remove: string[]
  /** Images to add, in the list's order. */
  add: Pending[]
}

/** The list of classes, at most `max` of them. Labels are compared trimmed. */
export class ClassList {
  private list: CharClass[] = []
  private nextId = 1

  constructor(readonly max: number) {}

  all(): CharClass[] {
    return this.list.slice()
  }

  find(label: string): CharClass | undefined {
    const want = label.trim()
    return this.list.find((c) => c.label.trim() === want)
  }

  /** How many of these labels are not classes yet (each would add one). */
  countNew(labels: string[]): number {
    return new Set(labels.map((l) => l.trim()).filter((l) => !this.find(l))).size
  }

  /** Adds an image to the class named `label`, or as a new class; returns that class. */
  add(label: string, image: string): CharClass {
    const found = this.find(label)
    if (found) {
      found.images.push(image)
      return found
    }
    if (this.list.length >= this.max) throw new UiError(`At most ${this.max} classes.`)
    const item = {
      id: this.nextId++,
      label,
      images: [image],
      storedAs: null,
      sent: 0,
      remote: false,
    }
    this.list.push(item)
    return item
  }

  remove(item: CharClass): void {
    this.list = this.list.filter((c) => c !== item)
  }

  clear(): void {
    this.list = []
  }

  /** The page leaves its set: classes only that set held go, the others are to be sent anew. */
  detach(): void {
    this.list = this.list.filter((c) => c.images.length > 0)
    for (const c of this.list) Object.assign(c, { storedAs: null, sent: 0, remote: false })
  }

  /** The page uses a set holding these labels: each becomes a stored class (joining one listed). */
  attach(labels: string[]): void {
    for (const label of labels) {
      let item = this.find(label)
      if (!item) {
        item = { id: this.nextId++, label, images: [], storedAs: null, sent: 0, remote: true }
        this.list.push(item)
      }
      Object.assign(item, { storedAs: label, sent: 0, remote: true })
    }
  }

  /** These labels were deleted from the set: classes stored under them are stored no more. */
  forget(labels: string[]): void {
    for (const c of this.list)
      if (c.storedAs !== null && labels.includes(c.storedAs))
        Object.assign(c, { storedAs: null, sent: 0 })
  }
}

/**
 * What Teach must do so that a set storing `stored` labels holds the listed classes: delete the
 * labels no class is stored under by its current name (removed or renamed classes), then add
 * every image not stored yet (all of a renamed class's, under its new name).
 *
 * @example
 * planTeach([{ ...circle, label: 'ring', storedAs: 'circle', sent: 1 }], ['circle', 'line'])
 * // { remove: ['circle', 'line'], add: [the ring's images, from the first] }
 */
export function planTeach(items: CharClass[], stored: string[]): TeachPlan {
  const kept = new Set<string>()
  for (const c of items) {
    const label = c.label.trim()
    if (c.storedAs === label && stored.includes(label)) kept.add(label)
  }
  const add: Pending[] = []
  for (const c of items) {
    const label = c.label.trim()
    const from = c.storedAs === label && kept.has(label) ? c.sent : 0
    c.images.slice(from).forEach((image, i) => add.push({ item: c, index: from + i, label, image }))
  }
  return { remove: stored.filter((l) => !kept.has(l)), add }
}

/**
 * Splits images to send into requests of at most `maxCount` images and about `maxChars`
 * characters of data: URLs (an image larger than that goes alone), keeping their order.
 */
export function batches(pending: Pending[], maxCount: number, maxChars: number): Pending[][] {
  const out: Pending[][] = []
  let chars = 0
  for (const p of pending) {
    const last = out[out.length - 1]
    if (last && last.length < maxCount && chars + p.image.length <= maxChars) {
      last.push(p)
      chars += p.image.length
    } else {
      out.push([p])
      chars = p.image.length
    }
  }
  return out
}

/** Records that a request stored these images. */
export function markSent(sent: Pending[]): void {
  for (const p of sent) {
    const same = p.item.storedAs === p.label
    p.item.storedAs = p.label
    p.item.sent = same ? Math.max(p.item.sent, p.index + 1) : p.index + 1
  }
}
