/**
 * Small, always-safe rewrites of the converted graph, so that the Worker runs fewer nodes:
 * - Conv -> Mul/Add by a per-output-channel constant: folded into the conv's weight and bias
 *   (what a frozen batch-norm leaves behind, e.g. faceres's depthwise convs);
 * - chains of Relu / Clip: one Clip on the intersection of their ranges (tf's Relu6 as
 *   Relu -> Minimum(6) -> Maximum(0) becomes Clip(0, 6));
 * - Identity: its input renamed to its output.
 * A rewrite only applies when the intermediate tensor has one consumer and is not a graph output.
 * Folding changes float rounding by about one ulp per folded constant; the parity check runs on
 * the folded graph.
 */
import { floatTensor, readFloatTensor } from '../export/onnx-proto'
import type { OnnxTypes } from '../export/onnx-proto'

type Node = OnnxTypes.INodeProto
type Init = OnnxTypes.ITensorProto

/** A graph body to rewrite in place. */
export interface FoldableGraph {
  nodes: Node[]
  inits: Init[]
  /** graph output names (never folded away) */
  outputs: string[]
}

/** How many rewrites of each kind were applied. */
export interface FoldStats {
  convAffine: number
  clips: number
  identities: number
}

class Index {
  readonly consumers = new Map<string, number>()
  readonly producer = new Map<string, Node>()
  readonly init = new Map<string, Init>()
  constructor(g: FoldableGraph) {
    for (const t of g.inits) this.init.set(t.name ?? '', t)
    for (const n of g.nodes) {
      for (const o of n.output ?? []) this.producer.set(o, n)
      for (const i of n.input ?? []) if (i) this.consumers.set(i, (this.consumers.get(i) ?? 0) + 1)
    }
    for (const o of g.outputs) this.consumers.set(o, (this.consumers.get(o) ?? 0) + 1)
  }
  /** `name` feeds exactly one node and is not a graph output. */
  private(name: string) {
    return this.consumers.get(name) === 1
  }
}

/**
 * Applies the rewrites until none applies; drops initialisers nothing reads any more.
 * @example const stats = foldGraph({ nodes, inits, outputs: ['embedding'] })
 */
export function foldGraph(g: FoldableGraph): FoldStats {
  const stats: FoldStats = { convAffine: 0, clips: 0, identities: 0 }
  for (let changed = true; changed; ) {
    changed = false
    const ix = new Index(g)
    for (const n of g.nodes) {
      if (foldConvAffine(g, ix, n)) stats.convAffine++
      else if (mergeClips(g, ix, n)) stats.clips++
      else if (dropIdentity(g, ix, n)) stats.identities++
      else continue
      changed = true
      break // indexes are stale after a rewrite
    }
  }
  const used = new Set(g.nodes.flatMap((n) => n.input ?? []))
  g.inits.splice(0, g.inits.length, ...g.inits.filter((t) => used.has(t.name ?? '')))
  return stats
}

const removeNode = (g: FoldableGraph, n: Node) => g.nodes.splice(g.nodes.indexOf(n), 1)

/** A name no initialiser or node output of `g` has. */
function unusedName(g: FoldableGraph, base: string): string {
  const taken = new Set([
    ...g.inits.map((t) => t.name ?? ''),
    ...g.nodes.flatMap((n) => [...(n.output ?? []), n.name ?? '']),
  ])
  let name = base
  for (let i = 1; taken.has(name); i++) name = `${base}__${i}`
  return name
}

/** Per-channel values of a constant that broadcasts along axis 1 of an NCHW tensor, else null. */
function perChannel(t: Init, channels: number): Float32Array | null {
  if (t.dataType !== 1) return null
  const dims = (t.dims ?? []).map(Number)
  const v = readFloatTensor(t)
  if (v.length === 1) return new Float32Array(channels).fill(v[0])
  // right-aligned against [N, C, H, W]: only the C position (rank - 3 from the end) may exceed 1
  const cAt = dims.length - 3
  if (dims.length < 3 || dims.length > 4 || dims[cAt] !== channels) return null
  if (dims.some((d, i) => i !== cAt && d !== 1)) return null
  return v
}

function foldConvAffine(g: FoldableGraph, ix: Index, n: Node): boolean {
  if (n.opType !== 'Mul' && n.opType !== 'Add') return false
  const [a, b] = n.input ?? []
  for (const [x, c] of [
    [a, b],
    [b, a],
  ]) {
    const conv = ix.producer.get(x)
    const k = ix.init.get(c)
    if (!conv || conv.opType !== 'Conv' || !k || !ix.private(x)) continue
    const w = ix.init.get(conv.input?.[1] ?? '')
    if (!w) continue
    const cout = Number(w.dims?.[0])
    const s = perChannel(k, cout)
    if (!s) continue
    const weight = readFloatTensor(w)
    const bInit = conv.input?.[2] ? ix.init.get(conv.input[2]) : undefined
    if (conv.input?.[2] && !bInit) continue
    const bias = bInit ? readFloatTensor(bInit) : new Float32Array(cout)
    const nb = new Float32Array(cout)
    let nw = weight
    if (n.opType === 'Mul') {
      nw = new Float32Array(weight.length)
      const per = weight.length / cout
      for (let o = 0; o < cout; o++) {
        for (let j = 0; j < per; j++) nw[o * per + j] = weight[o * per + j] * s[o]
        nb[o] = bias[o] * s[o]
      }
    } else for (let o = 0; o < cout; o++) nb[o] = bias[o] + s[o]
    // new initialisers: the old ones may be read elsewhere; unread ones are dropped at the end
    const wName = unusedName(g, `${conv.name}/W_folded`)
    g.inits.push(floatTensor(wName, (w.dims ?? []).map(Number), nw))
    const bName = unusedName(g, `${conv.name}/B_folded`)
    g.inits.push(floatTensor(bName, [cout], nb))
    conv.input = [conv.input?.[0] ?? '', wName, bName]
    conv.output = n.output
    removeNode(g, n)
    return true
  }
  return false
}

/** [lo, hi] of a Relu or of a Clip with constant bounds; null for anything else. */
function clipRange(ix: Index, n: Node): [number, number] | null {
  if (n.opType === 'Relu') return [0, Infinity]
  if (n.opType !== 'Clip') return null
  const bound = (name: string | undefined, dflt: number) => {
    if (!name) return dflt
    const t = ix.init.get(name)
    return t ? readFloatTensor(t)[0] : NaN
  }
  const lo = bound(n.input?.[1], -Infinity)
  const hi = bound(n.input?.[2], Infinity)
  return Number.isNaN(lo) || Number.isNaN(hi) ? null : [lo, hi]
}

function mergeClips(g: FoldableGraph, ix: Index, n: Node): boolean {
  const outer = clipRange(ix, n)
  const x = n.input?.[0] ?? ''
  const inner = ix.producer.get(x)
  if (!outer || !inner || !ix.private(x)) return false
  const r = clipRange(ix, inner)
  if (!r) return false
  // projecting onto [a,b] then [c,d] is projecting onto their intersection when it is non-empty
  const lo = Math.max(r[0], outer[0])
  const hi = Math.min(r[1], outer[1])
  if (lo > hi) return false
  const loName = lo === -Infinity ? '' : unusedName(g, `${inner.name}/min`)
  if (loName) g.inits.push(floatTensor(loName, [], Float32Array.of(lo)))
  const hiName = hi === Infinity ? '' : unusedName(g, `${inner.name}/max`)
  if (hiName) g.inits.push(floatTensor(hiName, [], Float32Array.of(hi)))
  inner.opType = 'Clip'
  inner.input = [inner.input?.[0] ?? '', loName, hiName]
  inner.attribute = []
  inner.output = n.output
  removeNode(g, n)
  return true
}

function dropIdentity(g: FoldableGraph, ix: Index, n: Node): boolean {
  if (n.opType !== 'Identity') return false
  const x = n.input?.[0] ?? ''
  const p = ix.producer.get(x)
  if (!p || !ix.private(x)) return false
  p.output = (p.output ?? []).map((o) => (o === x ? (n.output?.[0] ?? o) : o))
  removeNode(g, n)
  return true
}
