export type { Distance, DistanceName } from './distance'
export { BaseDistance, dissimilarity } from './distance'
export { EuclideanDistance, safeSqrt } from './euclidean'
export {
  EXACT_PAIRWISE_LIMIT,
  SquaredEuclideanDistance,
  squaredPairwise,
} from './squared-euclidean'
export { CosineSimilarity, normalizeRows } from './cosine-similarity'
