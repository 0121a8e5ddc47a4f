import { describe, expect, it } from 'vitest'
import { ManifestError, validateManifest } from '../../src/core'
import { sampleManifest } from './sample-manifest'

/** Applies `edit` to a fresh sample and returns the ManifestError it causes. */
function errorFor(edit: (m: Record<string, any>) => void): ManifestError {
  const m = structuredClone(sampleManifest()) as Record<string, any>
  edit(m)
  try {
    validateManifest(m)
  } catch (error) {
    if (error instanceof ManifestError) return error
    throw error
  }
  throw new Error('manifest was accepted')
}

describe('validateManifest', () => {
  it('accepts a good manifest and returns it, extra fields included', () => {
    const m = sampleManifest()
    expect(validateManifest(m)).toBe(m)
    expect(validateManifest(m).training.seed).toBe(7)
    const l1 = { ...m, metric: { name: 'learned-l1', weights: [1, -2, 0.5, 0], bias: 0.1 } }
    expect(validateManifest(l1).metric.weights).toHaveLength(4)
    const views = {
      ...m,
      output: {
        ...m.output,
        views: [
          [0, 0],
          [1, -1],
        ],
      },
    }
    expect(validateManifest(views).output.views).toEqual([
      [0, 0],
      [1, -1],
    ])
    const supportViews = {
      ...m,
      output: {
        ...m.output,
        supportViews: [
          [0, 0],
          [-1, 2],
        ],
      },
    }
    expect(validateManifest(supportViews).output.supportViews).toEqual([
      [0, 0],
      [-1, 2],
    ])
  })

  it('names the first bad field path in the message', () => {
    const e = errorFor((m) => (m.input.height = 0))
    expect(e.message).toBe('input.height: expected a positive integer')
    expect(e.field).toBe('input.height')
  })

  const cases: [string, (m: Record<string, any>) => void][] = [
    ['id', (m) => (m.id = '../etc')],
    ['version', (m) => delete m.version],
    ['createdAt', (m) => (m.createdAt = 'yesterday')],
    ['sha256', (m) => (m.sha256 = 'ABC')],
    ['file', (m) => (m.file = 'other.onnx')],
    ['input', (m) => (m.input = null)],
    ['input.width', (m) => (m.input.width = 2.5)],
    ['input.channels', (m) => (m.input.channels = 2)],
    ['input.layout', (m) => (m.input.layout = 'NHWC')],
    ['preprocess.grayscale', (m) => (m.preprocess.grayscale = false)],
    ['preprocess.resize', (m) => (m.preprocess.resize = 'bilinear')],
    ['preprocess.std', (m) => (m.preprocess.std = 0)],
    ['preprocess.scale', (m) => (m.preprocess.scale = 'x')],
    ['output.dim', (m) => (m.output.dim = -1)],
    ['output.normalized', (m) => (m.output.normalized = 'yes')],
    ['output.views', (m) => (m.output.views = [[0, 0], [1]])],
    ['output.views', (m) => (m.output.views = [[0, 0.5]])],
    ['output.views', (m) => (m.output.views = 'plus1')],
    ['output.supportViews', (m) => (m.output.supportViews = [[1, 0], [0]])],
    ['output.supportViews', (m) => (m.output.supportViews = { dx: 1 })],
    ['metric.name', (m) => (m.metric.name = 'manhattan')],
    ['metric.weights', (m) => (m.metric = { name: 'learned-l1', weights: [1, 2] })],
    ['metric.weights[2]', (m) => (m.metric = { name: 'learned-l1', weights: [1, 2, NaN, 4] })],
    ['threshold.distance', (m) => (m.threshold.distance = -1)],
    [
      'threshold.calibration.targetFalseAcceptRate',
      (m) => (m.threshold.calibration.targetFalseAcceptRate = 2),
    ],
    ['training.miner', (m) => (m.training.miner = 3)],
    ['training.epochs', (m) => (m.training.epochs = -1)],
    ['eval.results', (m) => (m.eval.results = {})],
    ['eval.results[0].accuracy', (m) => (m.eval.results[0].accuracy = 93)],
    ['eval.verification.auc', (m) => (m.eval.verification.auc = null)],
  ]
  for (const [field, edit] of cases) {
    it(`rejects a bad ${field}`, () => {
      const e = errorFor(edit)
      expect(e.field).toBe(field)
      expect(e.message.startsWith(`${field}: expected`)).toBe(true)
    })
  }

  it('rejects non-objects at the root', () => {
    for (const x of [null, [], 'manifest', 3]) {
      expect(() => validateManifest(x)).toThrow('(root): expected an object')
    }
  })

  it('reports the first bad field when several are bad', () => {
    const e = errorFor((m) => {
      m.output.dim = 0
      m.input.width = 0
    })
    expect(e.field).toBe('input.width')
  })
})
