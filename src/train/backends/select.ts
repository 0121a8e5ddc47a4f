import * as tf from '@tensorflow/tfjs'
import { installTrainingKernels } from './wasm-kernels.js'
import { tensorflowHelp } from './tensorflow-help.js'
import { tryWebgpu } from './webgpu.js'

export type BackendName = 'wasm' | 'tensorflow' | 'webgpu' | 'cpu'
export const BACKEND_NAMES: readonly (BackendName | 'auto')[] = [
  'auto',
  'tensorflow',
  'webgpu',
  'wasm',
  'cpu',
]

export interface BackendProbe {
  name: BackendName
  ok: boolean
  /** why it is unavailable, or what it runs on (adapter, package) */
  detail: string
}

/** Loads tfjs-node-gpu or tfjs-node; both register the 'tensorflow' backend when their native part loads. */
async function tryTensorflow(): Promise<BackendProbe> {
  const reasons: string[] = []
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg)
      return { name: 'tensorflow', ok: true, detail: pkg }
    } catch (e) {
      // the full text: the binding's path or the missing .so is on a later line
      reasons.push(tensorflowHelp(pkg, String((e as Error).message ?? e)))
    }
  }
  return { name: 'tensorflow', ok: false, detail: reasons.join('; ') }
}

async function tryWasm(): Promise<BackendProbe> {
  await import('@tensorflow/tfjs-backend-wasm')
  installTrainingKernels('wasm')
  return {
    name: 'wasm',
    ok: true,
    detail: 'tfjs-backend-wasm (XNNPACK, SIMD) + training kernels, 1 thread',
  }
}

async function activate(probe: BackendProbe): Promise<boolean> {
  if (!probe.ok) return false
  // setBackend returns false (and tfjs silently stays on cpu) when a backend fails to initialise.
  const ok = await tf.setBackend(probe.name)
  if (!ok || tf.getBackend() !== probe.name) {
    probe.ok = false
    probe.detail += ' (failed to initialise)'
    return false
  }
  return true
}

/**
 * Selects and initialises a tfjs backend. `auto` tries native TensorFlow, then a hardware WebGPU
 * adapter, then wasm; every probe's outcome is returned so the CLI can say what it found and why
 * the others were skipped.
 */
export async function selectBackend(
  requested: BackendName | 'auto',
): Promise<{ backend: BackendName; probes: BackendProbe[] }> {
  const probes: BackendProbe[] = []
  const attempt = async (p: Promise<BackendProbe>) => {
    const probe = await p
    probes.push(probe)
    return (await activate(probe)) ? probe.name : null
  }
  let chosen: BackendName | null = null
  switch (requested) {
    case 'cpu':
      installTrainingKernels('cpu')
      chosen = await attempt(Promise.resolve({ name: 'cpu', ok: true, detail: 'pure JS' }))
      break
    case 'wasm':
      chosen = await attempt(tryWasm())
      break
    case 'tensorflow':
      chosen = await attempt(tryTensorflow())
      break
    case 'webgpu':
      chosen = await attempt(tryWebgpu({ allowSoftware: true }))
      break
    case 'auto':
      chosen =
        (await attempt(tryTensorflow())) ??
        (await attempt(tryWebgpu({ allowSoftware: false }))) ??
        (await attempt(tryWasm()))
      break
  }
  if (!chosen) {
    const why = probes.map((p) => `${p.name}: ${p.detail}`).join('; ')
    throw new Error(`backend '${requested}' is not available: ${why}`)
  }
  return { backend: chosen, probes }
}
