import * as tf from '@tensorflow/tfjs'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  conv4OptionsOf,
  loadCheckpoint,
  loadWeights,
  saveWeights,
} from '../../../src/train/export/checkpoint-io'
import { buildConv4, embed } from '../../../src/train/model/conv4'
import { randomConv4, randomImages } from './helpers'

const dir = mkdtempSync(join(tmpdir(), 'ckpt-'))
beforeAll(async () => {
  await tf.setBackend('cpu')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('saveWeights / loadWeights', () => {
  it('round-trips weights, config and meta; the reloaded model computes the same embedding', async () => {
    const opts = { size: 28, width: 8, blocks: 3, embDim: 12 }
    const model = randomConv4(opts)
    expect(conv4OptionsOf(model)).toEqual(opts)
    const meta = { normalize: true, training: { loss: 'triplet' } }
    const file = await saveWeights(model, dir, { meta })
    expect(file.model.options).toEqual(opts)
    expect(file.weights[0]).toEqual({
      name: 'conv0/kernel',
      shape: [3, 3, 1, 8],
      offset: 0,
      length: 72,
    })
    const json = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'))
    expect(json.meta.training.loss).toBe('triplet')

    const { model: back, file: f2 } = loadCheckpoint(dir)
    expect(f2.meta.normalize).toBe(true)
    const x = tf.tensor4d(randomImages(3, 28), [3, 28, 28, 1])
    const a = embed(model, x).dataSync()
    const b = embed(back, x).dataSync()
    expect(Array.from(b)).toEqual(Array.from(a))
  })

  it('names the weight whose shape does not match', async () => {
    await saveWeights(randomConv4({ size: 28, width: 8, embDim: 12 }), dir)
    expect(() => loadWeights(buildConv4({ size: 28, width: 4, embDim: 12 }), dir)).toThrow(
      /conv0\/kernel is \[3,3,1,8\] in the checkpoint/,
    )
  })
})
