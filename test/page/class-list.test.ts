// The Characters tab's classes as data: several examples per class, and what Teach sends so that
// a reused set holds exactly the listed classes.
import { describe, expect, it } from 'vitest'
import { UiError } from '../../src/edge/page/client/api'
import {
  batches,
  ClassList,
  markSent,
  planTeach,
  type Pending,
} from '../../src/edge/page/client/class-list'

/** What a plan sends, as "label:image". */
const sent = (add: Pending[]) => add.map((p) => `${p.label}:${p.image}`)

/** Plans, then applies the plan as Teach does when every request succeeds. */
function teach(list: ClassList, stored: string[]) {
  const plan = planTeach(list.all(), stored)
  list.forget(plan.remove)
  markSent(plan.add)
  return plan
}

describe('ClassList', () => {
  it('adds an image under a listed name to that class, else as a new class', () => {
    const list = new ClassList(2)
    list.add('circle', 'a')
    list.add(' circle ', 'b')
    list.add('line', 'c')
    expect(list.all().map((c) => [c.label, c.images])).toEqual([
      ['circle', ['a', 'b']],
      ['line', ['c']],
    ])
    expect(list.countNew(['line', 'cross', 'cross ', 'star'])).toBe(2)
    expect(() => list.add('cross', 'd')).toThrow(UiError)
    list.add('line', 'e') // a listed class: no room needed
    expect(list.find('line')?.images).toEqual(['c', 'e'])
  })

  it("attaches a set's labels as stored classes and detaches them again", () => {
    const list = new ClassList(20)
    list.add('circle', 'a')
    list.attach(['circle', 'glyph 1'])
    expect(list.all().map((c) => [c.label, c.images.length, c.storedAs, c.remote])).toEqual([
      ['circle', 1, 'circle', true],
      ['glyph 1', 0, 'glyph 1', true],
    ])
    list.detach() // a class only the set held goes; the other is to be sent anew
    expect(list.all().map((c) => [c.label, c.storedAs, c.sent, c.remote])).toEqual([
      ['circle', null, 0, false],
    ])
  })
})

describe('planTeach', () => {
  it('sends everything to a new set', () => {
    const list = new ClassList(20)
    list.add('circle', 'a')
    list.add('circle', 'b')
    list.add('line', 'c')
    const plan = planTeach(list.all(), [])
    expect(plan.remove).toEqual([])
    expect(sent(plan.add)).toEqual(['circle:a', 'circle:b', 'line:c'])
  })

  it('sends only new examples to the same set, and deletes removed classes', () => {
    const list = new ClassList(20)
    list.add('circle', 'a')
    list.add('line', 'b')
    teach(list, [])
    expect(planTeach(list.all(), ['circle', 'line'])).toEqual({ remove: [], add: [] })
    list.add('circle', 'c')
    list.remove(list.find('line')!)
    list.add('cross', 'd')
    const plan = teach(list, ['circle', 'line'])
    expect(plan.remove).toEqual(['line'])
    expect(sent(plan.add)).toEqual(['circle:c', 'cross:d'])
    expect(list.all().map((c) => [c.storedAs, c.sent])).toEqual([
      ['circle', 2],
      ['cross', 1],
    ])
  })

  it('sends a renamed class again under its new name, deleting the old one', () => {
    const list = new ClassList(20)
    list.add('circle', 'a')
    list.add('circle', 'b')
    teach(list, [])
    list.find('circle')!.label = 'ring'
    const plan = teach(list, ['circle'])
    expect(plan.remove).toEqual(['circle'])
    expect(sent(plan.add)).toEqual(['ring:a', 'ring:b'])
    expect(list.find('ring')).toMatchObject({ storedAs: 'ring', sent: 2 })
  })

  it("deletes labels of the set no class lists, keeps a picked set's listed classes", () => {
    const list = new ClassList(20)
    list.attach(['glyph 1', 'glyph 2'])
    list.add('glyph 2', 'x')
    const plan = planTeach(list.all(), ['glyph 1', 'glyph 2', 'glyph 3'])
    expect(plan.remove).toEqual(['glyph 3'])
    expect(sent(plan.add)).toEqual(['glyph 2:x'])
  })

  it('sends a class anew when the set lost its label (deleted elsewhere)', () => {
    const list = new ClassList(20)
    list.add('circle', 'a')
    teach(list, [])
    expect(sent(planTeach(list.all(), []).add)).toEqual(['circle:a'])
  })
})

describe('batches', () => {
  const p = (image: string): Pending => ({
    item: { id: 1, label: 'x', images: [], storedAs: null, sent: 0, remote: false },
    index: 0,
    label: 'x',
    image,
  })
  it('splits by count and by size, in order; an image over the size goes alone', () => {
    const images = ['aa', 'bb', 'cc', 'dddddd', 'e']
    const out = batches(images.map(p), 2, 5)
    expect(out.map((b) => b.map((x) => x.image))).toEqual([['aa', 'bb'], ['cc'], ['dddddd'], ['e']])
    expect(batches([], 32, 100)).toEqual([])
  })
})
