/**
 * The TensorFlow graph inside a tfjs graph model: nodes by name, typed attribute readers, and the
 * slice of the graph that the requested outputs depend on (in an order where every node comes
 * after its inputs).
 */
import type { RawTfNode, TfAttrValue } from './graph-model-files'

/** A node with its data inputs cleaned up: control inputs dropped, ':0' suffixes removed. */
export interface TfNode {
  name: string
  op: string
  inputs: string[]
  attr: Record<string, TfAttrValue>
}

/** The node name an input refers to; only a node's first output is supported. */
export function inputNodeName(input: string, of: string): string {
  const [name, port] = input.split(':')
  if (port !== undefined && port !== '0')
    throw new Error(`node ${of}: input ${input} uses output ${port}; only output 0 is supported`)
  return name
}

/** Parses model.json's nodes; names must be unique. */
export function parseNodes(raw: RawTfNode[]): Map<string, TfNode> {
  const nodes = new Map<string, TfNode>()
  for (const n of raw) {
    if (nodes.has(n.name)) throw new Error(`graph has two nodes named ${n.name}`)
    const inputs = (n.input ?? [])
      .filter((i) => !i.startsWith('^'))
      .map((i) => inputNodeName(i, n.name))
    nodes.set(n.name, { name: n.name, op: n.op, inputs, attr: n.attr ?? {} })
  }
  return nodes
}

/**
 * The nodes `outputs` depend on, inputs before users (depth-first post-order from the outputs, so
 * the order is a function of the graph alone and the conversion is deterministic).
 * @throws naming a missing node or a cycle
 */
export function graphSlice(nodes: Map<string, TfNode>, outputs: string[]): TfNode[] {
  const order: TfNode[] = []
  const state = new Map<string, 'open' | 'done'>()
  // iterative: a deep network would overflow the stack with recursion
  for (const out of outputs) {
    const stack: { name: string; next: number }[] = [{ name: out, next: 0 }]
    while (stack.length) {
      const top = stack[stack.length - 1]
      const node = nodes.get(top.name)
      if (!node) throw new Error(`graph has no node ${top.name}`)
      if (top.next === 0) {
        const s = state.get(top.name)
        if (s === 'done') {
          stack.pop()
          continue
        }
        if (s === 'open') throw new Error(`graph has a cycle through ${top.name}`)
        state.set(top.name, 'open')
      }
      if (top.next < node.inputs.length) {
        const dep = node.inputs[top.next++]
        if (state.get(dep) === 'open') throw new Error(`graph has a cycle through ${dep}`)
        if (state.get(dep) !== 'done') stack.push({ name: dep, next: 0 })
        continue
      }
      state.set(top.name, 'done')
      order.push(node)
      stack.pop()
    }
  }
  return order
}

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8')

/** A string attribute (model.json stores them base64). */
export function attrString(n: TfNode, key: string): string | undefined {
  const v = n.attr[key]?.s
  return v === undefined ? undefined : decode(v)
}

/** A list-of-strings attribute, e.g. `fused_ops`. */
export function attrStrings(n: TfNode, key: string): string[] {
  return (n.attr[key]?.list?.s ?? []).map(decode)
}

/** A list-of-ints attribute, e.g. `strides`; int64s arrive as decimal strings. */
export function attrInts(n: TfNode, key: string): number[] {
  return (n.attr[key]?.list?.i ?? []).map(Number)
}

/** An int attribute. */
export function attrInt(n: TfNode, key: string): number | undefined {
  const v = n.attr[key]?.i
  return v === undefined ? undefined : Number(v)
}

/** A float attribute. */
export function attrFloat(n: TfNode, key: string): number | undefined {
  return n.attr[key]?.f
}

/** A bool attribute. */
export function attrBool(n: TfNode, key: string): boolean | undefined {
  return n.attr[key]?.b
}

/** A shape attribute (e.g. a Placeholder's), -1 for unknown dims; undefined when absent. */
export function attrShape(n: TfNode, key: string): number[] | undefined {
  const s = n.attr[key]?.shape
  if (!s || s.unknownRank) return undefined
  return (s.dim ?? []).map((d) => Number(d.size))
}
