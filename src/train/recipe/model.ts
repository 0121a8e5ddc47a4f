import type * as tf from '@tensorflow/tfjs'
import { preprocessSpecOf } from '../data/decode.js'
import { buildConv4 } from '../model/conv4.js'
import type { Recipe } from './recipe.js'

/**
 * The Conv-4 a recipe trains; its input has the channels of the recipe's preprocessing.
 * @example const model = buildRecipeModel({ ...DEFAULT_RECIPE, preprocess: 'rgb', size: 32 })
 */
export function buildRecipeModel(r: Recipe): tf.Sequential {
  const { channels } = preprocessSpecOf(r.preprocess, r.size).input
  return buildConv4({ size: r.size, channels, width: r.width, embDim: r.embDim, seed: r.seed })
}
