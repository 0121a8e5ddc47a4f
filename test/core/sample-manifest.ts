import type { ModelManifest } from '../../src/core'

/** A complete, valid manifest; tests copy it and break one field at a time. */
export function sampleManifest(): ModelManifest {
  return {
    id: 'protonet-conv4-omniglot',
    version: '1.0.0',
    createdAt: '2026-04-26T12:00:00.000Z',
    sha256: 'a'.repeat(64),
    file: 'protonet-conv4-omniglot.onnx',
    input: { name: 'input', height: 28, width: 28, channels: 1, layout: 'NCHW' },
    preprocess: { grayscale: true, invert: true, resize: 'area', scale: 1 / 255, mean: 0, std: 1 },
    output: { name: 'embedding', dim: 4, normalized: false },
    metric: { name: 'squared-euclidean' },
    threshold: {
      distance: 12.5,
      calibration: {
        method: 'far-target',
        targetFalseAcceptRate: 0.01,
        split: 'vinyals/val',
        pairs: 10000,
        falseAcceptRate: 0.0098,
        trueAcceptRate: 0.91,
      },
    },
    training: {
      dataset: 'omniglot',
      split: 'vinyals/trainval',
      loss: 'prototypical',
      miner: null,
      epochs: 10,
      steps: 5000,
      backend: 'wasm',
      wallTimeSec: 1800.5,
      command: 'npm run train -- --loss prototypical',
      seed: 7,
    },
    eval: {
      split: 'vinyals/test',
      results: [
        {
          protocol: 'all-alphabets',
          ...{ ways: 20, shots: 1, queries: 5, episodes: 1000 },
          ...{ accuracy: 0.9, ci95: 0.004 },
        },
      ],
      verification: { auc: 0.97, eer: 0.08, pairs: 10000 },
    },
  }
}
