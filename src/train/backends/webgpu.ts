import type { BackendProbe } from './select.js'

// Dawn's Node binding (npm `webgpu`) behind tfjs-backend-webgpu. Without a GPU, Dawn's OpenGL ES
// backend over Mesa llvmpipe still works if (1) create() asks for it, (2) the adapter is requested
// in compatibility mode (Dawn offers GL adapters only there; tfjs asks for a core one, so we wrap
// requestAdapter), (3) EGL uses its surfaceless platform. The device must also get the adapter's
// storage-buffer limits, or tf.addN of many tensors silently returns zeros.

const RAISED_LIMITS = [
  'maxStorageBuffersPerShaderStage',
  'maxStorageBuffersInFragmentStage',
  'maxStorageBuffersInVertexStage',
  'maxStorageTexturesPerShaderStage',
  'maxUniformBuffersPerShaderStage',
  'maxBindGroups',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
]

type Adapter = GPUAdapter & {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string }
}

function describe(adapter: Adapter): { text: string; software: boolean } {
  const i = adapter.info ?? {}
  const text = [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' ')
  const software = /llvmpipe|swiftshader|software|lavapipe/i.test(text)
  return { text: text || 'unknown adapter', software }
}

async function findAdapter(
  create: (opts: string[]) => GPU,
  dawnOptions: string[],
  featureLevel: string | undefined,
): Promise<{ gpu: GPU; adapter: Adapter } | null> {
  const gpu = create(dawnOptions)
  const adapter = (await gpu.requestAdapter(
    (featureLevel ? { featureLevel } : {}) as GPURequestAdapterOptions,
  )) as Adapter | null
  return adapter ? { gpu, adapter } : null
}

/**
 * tfjs-backend-webgpu reads synchronously (dataSync, arraySync) by drawing into an OffscreenCanvas,
 * which Node lacks: the raw error is a ReferenceError deep in tfjs. Say what to do instead.
 */
function explainReadSync(mod: {
  WebGPUBackend?: { prototype: { readSync: (id: object) => unknown } }
}) {
  const proto = mod.WebGPUBackend?.prototype
  if (!proto || typeof globalThis.OffscreenCanvas !== 'undefined') return
  const readSync = proto.readSync
  proto.readSync = function (this: unknown, dataId: object) {
    try {
      return readSync.call(this, dataId)
    } catch (e) {
      if (!/OffscreenCanvas/.test(String(e))) throw e
      throw new Error(
        'the webgpu backend cannot read a tensor synchronously in Node (dataSync/arraySync need ' +
          "a browser's OffscreenCanvas): read it with `await tensor.data()` instead",
      )
    }
  }
}

/** Installs navigator.gpu (Dawn) and imports tfjs-backend-webgpu if an adapter exists. */
export async function tryWebgpu(opts: { allowSoftware: boolean }): Promise<BackendProbe> {
  let webgpu: { create: (o: string[]) => GPU; globals: object }
  try {
    webgpu = (await import('webgpu')) as unknown as typeof webgpu
  } catch (e) {
    const why = (e as Error).message.split('\n')[0]
    return { name: 'webgpu', ok: false, detail: `npm package 'webgpu' not loadable (${why})` }
  }
  process.env.EGL_PLATFORM ??= 'surfaceless'
  Object.assign(globalThis, webgpu.globals)
  // A hardware adapter first (Vulkan on Linux), then Dawn's GL ES backend (Mesa, also llvmpipe).
  const found =
    (await findAdapter(webgpu.create, [], undefined).catch(() => null)) ??
    (await findAdapter(webgpu.create, ['backend=opengles'], 'compatibility').catch(() => null))
  if (!found)
    return { name: 'webgpu', ok: false, detail: 'Dawn found no adapter (Vulkan or GL ES)' }
  const { text, software } = describe(found.adapter)
  if (software && !opts.allowSoftware)
    return {
      name: 'webgpu',
      ok: false,
      detail: `only a software adapter (${text}); use --backend webgpu to force it`,
    }
  const featureLevel = (found.adapter as unknown as { featureLevel?: string }).featureLevel
  const gpuShim = {
    requestAdapter: async () => {
      const origRequestDevice = found.adapter.requestDevice.bind(found.adapter)
      found.adapter.requestDevice = (d: GPUDeviceDescriptor = {}) => {
        const limits = found.adapter.limits as unknown as Record<string, number>
        const requiredLimits = { ...(d.requiredLimits ?? {}) } as Record<string, number>
        for (const k of RAISED_LIMITS) if (limits[k] !== undefined) requiredLimits[k] = limits[k]
        return origRequestDevice({ ...d, requiredLimits })
      }
      return found.adapter
    },
    getPreferredCanvasFormat: () => 'rgba8unorm',
    get wgslLanguageFeatures() {
      return found.gpu.wgslLanguageFeatures
    },
  }
  if (typeof globalThis.navigator === 'undefined')
    (globalThis as unknown as { navigator: object }).navigator = { gpu: gpuShim }
  else Object.defineProperty(globalThis.navigator, 'gpu', { value: gpuShim, configurable: true })
  try {
    explainReadSync(await import('@tensorflow/tfjs-backend-webgpu'))
  } catch (e) {
    const why = (e as Error).message
    const detail = `@tensorflow/tfjs-backend-webgpu not loadable (${why})`
    return { name: 'webgpu', ok: false, detail }
  }
  const level = featureLevel ? ` (${featureLevel})` : ''
  return { name: 'webgpu', ok: true, detail: `${text}${level}${software ? ', software' : ''}` }
}
