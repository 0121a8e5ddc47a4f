import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { exportOnnx } from '../../../src/train/export/onnx-graph'
import { embedBatched, openEmbedder } from '../../../src/train/export/ort-runner'
import { assertParity, measureParity } from '../../../src/train/export/parity'
import { embed } from '../../../src/train/model/conv4'
import {
  embedViews,
  shiftedViews,
  VIEW_SETS,
  type Shift,
} from '../../../src/train/model/shift-views'
import { randomConv4, randomImages } from './helpers'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const SIZE = 28

/** Reference move in plain loops: out(x, y) = in(x - dx, y - dy), 0 where that is outside. */
function moveByHand(img: Float32Array, [dx, dy]: Shift): Float32Array {
  const out = new Float32Array(SIZE * SIZE)
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const sx = x - dx
      const sy = y - dy
      if (sx >= 0 && sx < SIZE && sy >= 0 && sy < SIZE) out[y * SIZE + x] = img[sy * SIZE + sx]
    }
  return out
}

async function runOnnx(bytes: Uint8Array, images: Float32Array): Promise<Float32Array> {
  const e = await openEmbedder(bytes)
  try {
    return await embedBatched(e, images, images.length / (SIZE * SIZE))
  } finally {
    await e.session.release()
  }
}

describe('test-time shift views', () => {
  const model = randomConv4({ size: SIZE, width: 16, embDim: 32 })
  const images = randomImages(3, SIZE)

  it('shiftedViews moves each image the way a hand-written loop does, view-major', () => {
    const shifts: Shift[] = [
      [0, 0],
      [2, -1],
      [-1, 1],
    ]
    const x = tf.tensor4d(images, [3, SIZE, SIZE, 1])
    const got = shiftedViews(x, shifts).dataSync()
    shifts.forEach((s, v) =>
      [0, 1, 2].forEach((i) => {
        const want = moveByHand(images.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE), s)
        const at = (v * 3 + i) * SIZE * SIZE
        expect(Array.from(got.subarray(at, at + SIZE * SIZE))).toEqual(Array.from(want))
      }),
    )
  })

  it('the single unmoved view is plain embed; more views change the embedding', () => {
    const x = tf.tensor4d(images, [3, SIZE, SIZE, 1])
    const plain = embed(model, x, { normalize: true }).arraySync()
    expect(embedViews(model, x, { normalize: true, shifts: VIEW_SETS.none }).arraySync()).toEqual(
      plain,
    )
    const avg = embedViews(model, x, { normalize: true, shifts: VIEW_SETS.plus1 })
    expect(avg.shape).toEqual([3, 32])
    // unit length again after averaging, and not the unmoved embedding
    for (const row of avg.arraySync()) expect(Math.hypot(...row)).toBeCloseTo(1, 5)
    expect(Math.abs(avg.arraySync()[0][0] - plain[0][0])).toBeGreaterThan(1e-4)
  })

  for (const name of ['plus1', 'box1', 'plus2'] as const)
    it(`the exported graph with views '${name}' matches tfjs within 1e-5`, async () => {
      const shifts = VIEW_SETS[name]
      const bytes = exportOnnx(model, { normalize: true, shifts })
      const r = await assertParity(model, bytes, images, { normalize: true, shifts })
      expect(r.dim).toBe(32)
      expect(r.maxAbsDiff).toBeLessThan(1e-5)
      // negative control: the same graph is far from the single-view tfjs embedding
      const plain = await measureParity(model, bytes, images, { normalize: true })
      expect(plain.maxAbsDiff).toBeGreaterThan(1e-3)
    })

  it('ONNX moves in the same direction as the hand-written loop', async () => {
    // one moved view, no averaging partner: the graph must equal the plain graph on moved pixels
    const moved = exportOnnx(model, { normalize: true, shifts: [[1, -2]] })
    const plain = exportOnnx(model, { normalize: true })
    const one = images.subarray(0, SIZE * SIZE)
    const a = await runOnnx(moved, one)
    const b = await runOnnx(plain, moveByHand(one, [1, -2]))
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5)
  })
})
