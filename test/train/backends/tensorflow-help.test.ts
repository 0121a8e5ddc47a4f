import { describe, expect, it } from 'vitest'
import {
  classifyTensorflowError,
  tensorflowHelp,
} from '../../../src/train/backends/tensorflow-help.js'

const PKG = '@tensorflow/tfjs-node-gpu'

describe('tfjs-node-gpu messages', () => {
  it('an absent package is one short line', () => {
    const m = `Cannot find package '${PKG}' imported from /repo/src/train/backends/select.ts`
    expect(classifyTensorflowError(PKG, m)).toBe('not-installed')
    expect(tensorflowHelp(PKG, m)).toBe(`${PKG} not installed`)
  })

  it('a missing binding names the 403 and both ways to supply libtensorflow', () => {
    const m =
      `Cannot find module '/repo/node_modules/${PKG}/lib/napi-v8/tfjs_binding.node'\n` +
      'Require stack:\n- /repo/node_modules/@tensorflow/tfjs-node-gpu/dist/index.js'
    expect(classifyTensorflowError(PKG, m)).toBe('no-binding')
    const h = tensorflowHelp(PKG, m)
    expect(h).toContain('never built')
    expect(h).toContain('tensorflow/tfjs#8742')
    expect(h).toContain('TFJS_NODE_CDN_STORAGE')
    expect(h).toContain('custom-binary.json')
    expect(h).toContain('deps/lib')
    expect(h).toContain('CUDA')
    expect(h).toContain('docs/GPU.md')
    expect(h).not.toContain('Require stack')
  })

  it('a binding whose libtensorflow does not load is told apart', () => {
    const m = 'libtensorflow.so.2: cannot open shared object file: No such file or directory'
    expect(classifyTensorflowError(PKG, m)).toBe('no-libtensorflow')
    expect(tensorflowHelp('@tensorflow/tfjs-node', m)).toMatch(
      /^@tensorflow\/tfjs-node is installed but its binding is built/,
    )
  })
})
