// The memory of the Worker's isolate in `wrangler dev`, read through its V8 inspector (wrangler's
// proxy on the `--inspector-port` scripts/wrangler-dev.ts opens). The Workers limit, 128 MB per
// isolate, counts the JavaScript heap and WebAssembly allocations; the process's RSS (workerd.ts)
// also holds compiled code, the Durable Objects' storage and the runtime itself, so it says
// little about that limit. Here:
//  - the JS heap in use (Runtime.getHeapUsage: V8's own count);
//  - every live WebAssembly.Memory's size (Runtime.queryObjects over its prototype): the ORT
//    sessions' heaps and the int8 search kernel's instances, which hold the cached sets' rows;
//  - the bytes of the other ArrayBuffers (image bytes, segments being decoded, typed arrays).
// queryObjects collects garbage first, so the figures are what is live, not what awaits a GC.
import WebSocket from 'ws'

export interface IsolateMemory {
  jsHeap: number
  wasm: number[]
  arrayBuffers: number
  /** jsHeap + all wasm memories + arrayBuffers. */
  total: number
}

type Reply = { result?: any; error?: { message: string } }

/** A session with the Worker's isolate: probe its memory as often as needed, then close. */
export async function isolateInspector(port: number) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  let id = 0
  let context: number | undefined
  const pending = new Map<number, (r: Reply) => void>()
  ws.on('message', (data) => {
    const m = JSON.parse(String(data))
    if (m.method === 'Runtime.executionContextCreated') context = m.params.context.id
    pending.get(m.id)?.(m)
    pending.delete(m.id)
  })
  const send = (method: string, params: object = {}): Promise<any> =>
    new Promise((resolve, reject) => {
      const my = ++id
      const timer = setTimeout(() => reject(new Error(`inspector: ${method} timed out`)), 30_000)
      pending.set(my, (r) => {
        clearTimeout(timer)
        if (r.error) reject(new Error(`inspector: ${method}: ${r.error.message}`))
        else resolve(r.result)
      })
      ws.send(JSON.stringify({ id: my, method, params }))
    })
  await send('Runtime.enable')
  // the remote objects a probe makes, released after it: held, they would keep alive what they
  // list (an evicted set's kernel memory) and the next probe would count it
  const objectGroup = 'memory-probe'
  /** Every live object whose prototype is `proto` (an expression): a remote array. */
  const all = async (proto: string): Promise<string> => {
    const p = await send('Runtime.evaluate', { expression: proto, contextId: context, objectGroup })
    const q = await send('Runtime.queryObjects', {
      prototypeObjectId: p.result.objectId,
      objectGroup,
    })
    return q.objects.objectId
  }
  const call = async (objectId: string, fn: string, args: string[] = []): Promise<number[]> =>
    (
      await send('Runtime.callFunctionOn', {
        objectId,
        functionDeclaration: fn,
        arguments: args.map((a) => ({ objectId: a })),
        returnByValue: true,
      })
    ).result.value
  return {
    async memory(): Promise<IsolateMemory> {
      const memories = await all('WebAssembly.Memory.prototype')
      const wasm = await call(
        memories,
        'function () { return this.map((m) => m.buffer.byteLength) }',
      )
      // a memory's own buffer is counted above, not again here
      const buffers = await call(
        await all('ArrayBuffer.prototype'),
        'function (memories) { const own = new Set(memories.map((m) => m.buffer)); ' +
          'return this.filter((b) => !own.has(b)).map((b) => b.byteLength) }',
        [memories],
      )
      await send('Runtime.releaseObjectGroup', { objectGroup })
      const heap = await send('Runtime.getHeapUsage')
      const arrayBuffers = buffers.reduce((a, b) => a + b, 0)
      const total = heap.usedSize + wasm.reduce((a, b) => a + b, 0) + arrayBuffers
      return { jsHeap: heap.usedSize, wasm: wasm.sort((a, b) => b - a), arrayBuffers, total }
    },
    /**
     * Samples the JS heap in use (garbage included: no GC here) plus the ArrayBuffers' backing
     * stores (V8's count, which leaves out WebAssembly memories) every `ms` until `stop()`, which
     * answers the largest sum seen. Cheap enough to run beside requests; a peak between two
     * samples is missed.
     */
    sampler(ms = 50) {
      let peak = 0
      let on = true
      const loop = (async () => {
        while (on) {
          const h = await send('Runtime.getHeapUsage')
          peak = Math.max(peak, h.usedSize + (h.backingStorageSize ?? 0))
          await new Promise((r) => setTimeout(r, ms))
        }
      })()
      return {
        stop: async () => {
          on = false
          await loop
          return peak
        },
      }
    },
    close: () => ws.close(),
  }
}
