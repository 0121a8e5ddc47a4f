import { parentPort, workerData } from 'node:worker_threads'
import { selectBackend } from '../backends/index.js'
import { restoreModel } from '../loop/checkpoint.js'
import { Replica } from '../loop/replica.js'
import { TrainingBatches } from '../recipe/batch-source.js'
import { buildObjective } from '../recipe/objective.js'
import { buildRecipeModel } from '../recipe/model.js'
import type { Reply, Request, WireTensor, WorkerInit } from './protocol.js'

const init = workerData as WorkerInit
const port = parentPort!
const send = (r: Reply, transfer: ArrayBuffer[] = []) => port.postMessage(r, transfer)

async function main() {
  const { backend } = await selectBackend(init.backend)
  const r = init.recipe
  const model = buildRecipeModel(r)
  // every replica starts from the caller's weights (identical, and whatever --init loaded)
  restoreModel(model, {
    state: null,
    tensors: new Map(init.weights.map((t) => [t.name, { shape: t.shape, data: t.data }])),
  })
  const objective = buildObjective(r, model.outputs[0].shape[1] as number, init.numClasses)
  // ...but each draws its own batches
  const batches = new TrainingBatches(
    init.dataset,
    { ...r, seed: r.seed + 1009 * init.index },
    undefined,
    init.teacher,
  )
  const replica = new Replica(model, objective, batches, r.size)

  const handle = async (m: Request): Promise<void> => {
    switch (m.type) {
      case 'grads': {
        if (m.state) replica.setStateValues(m.state)
        const g = replica.gradients()
        return send({ type: 'grads', ...g }, [g.grads.buffer as ArrayBuffer])
      }
      case 'apply': {
        replica.apply(m.grads, m.lr)
        const state = replica.stateValues()
        return send({ type: 'applied', state }, [state.buffer as ArrayBuffer])
      }
      case 'set-state':
        replica.setStateValues(m.state)
        return send({ type: 'ok' })
      case 'tensors': {
        const tensors: WireTensor[] = (await replica.tensors()).map(({ name, tensor }) => ({
          name,
          shape: tensor.shape,
          data: tensor.dataSync() as Float32Array | Int32Array,
        }))
        return send({ type: 'tensors', tensors, batches: batches.state() })
      }
      case 'restore': {
        const map = new Map(m.tensors.map((t) => [t.name, { shape: t.shape, data: t.data }]))
        await replica.restore({ state: null, tensors: map })
        batches.restore(m.batches)
        return send({ type: 'ok' })
      }
    }
  }
  port.on('message', (m: Request) =>
    handle(m).catch((e: Error) => send({ type: 'error', message: e.stack ?? e.message })),
  )
  send({ type: 'ready', backend })
}

main().catch((e: Error) => send({ type: 'error', message: e.stack ?? e.message }))
