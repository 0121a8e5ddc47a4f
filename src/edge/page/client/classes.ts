// The row of classes: per class its images (or, for a class read from a picked set, a note that
// the set holds them), an editable name, and buttons to add the pad's drawing to it or remove it.
// Any change is reported, so the next Classify teaches first.
import { ClassList, type CharClass } from './class-list'
import { el } from './dom'

export interface ClassesView {
  readonly list: ClassList
  /** Draws the list again (after changing `list`). */
  render(): void
}

export interface ClassesOptions {
  /** The <ol> to fill and the element showing "(n of max)". */
  root: HTMLElement
  count: HTMLElement
  max: number
  maxLabel: number
  /** Something changed: a name, a removal, an addition through a card. */
  onChange(): void
  /** A card's "Add drawing" button: adds the pad's drawing to that class. */
  onAddTo(item: CharClass): void
}

export function createClasses(o: ClassesOptions): ClassesView {
  const list = new ClassList(o.max)
  function card(item: CharClass, i: number): HTMLLIElement {
    const n = i + 1
    const li = el('li')
    const shots = el('div')
    shots.className = 'examples'
    item.images.forEach((src, j) => {
      const img = el('img')
      img.src = src
      img.alt = `Example ${j + 1} of class ${n}`
      shots.append(img)
    })
    if (!item.images.length) {
      const initial = el('span', item.label.trim().charAt(0).toUpperCase() || '?')
      initial.className = 'initial'
      initial.setAttribute('aria-hidden', 'true')
      shots.append(initial)
    }
    const k = item.images.length
    const held = item.remote
      ? `in the set${k ? ` + ${k} new` : ''}`
      : `${k} example${k === 1 ? '' : 's'}`
    const note = el('p', held)
    note.className = 'note examples-note'
    const inputId = `class-${item.id}`
    const label = el('label', `Name of class ${n}`)
    label.htmlFor = inputId
    const input = el('input')
    input.id = inputId
    input.value = item.label
    input.maxLength = o.maxLabel
    input.autocomplete = 'off'
    // A stored class keeps its name: the set's examples of it cannot be sent again under another.
    input.readOnly = item.remote
    input.addEventListener('input', () => {
      item.label = input.value
      o.onChange()
    })
    const more = el('button', 'Add drawing')
    more.type = 'button'
    more.setAttribute('aria-label', `Add the pad's drawing to class ${n}`)
    more.addEventListener('click', () => o.onAddTo(item))
    const remove = el('button', 'Remove')
    remove.type = 'button'
    remove.setAttribute('aria-label', `Remove class ${n}`)
    remove.addEventListener('click', () => {
      list.remove(item)
      render()
      o.onChange()
    })
    li.append(shots, note, label, input, more, remove)
    return li
  }
  function render() {
    o.root.textContent = ''
    list.all().forEach((item, i) => o.root.append(card(item, i)))
    o.count.textContent = `(${list.all().length} of ${o.max})`
  }
  render()
  return { list, render }
}
