export type { Indices, PairIndices, TripletIndices } from './indices'
export {
  allPairs,
  allTriplets,
  indicesCount,
  toPairs,
  toTriplets,
  triplets,
  validateIndices,
} from './indices'
export type { LossRecord, LossTerm, Reducer } from './reducers'
export { reduceTerm } from './reducers'
export type { BaseLossOptions } from './base-loss'
export { BaseLoss, gatherRows } from './base-loss'
export type { ContrastiveLossOptions } from './contrastive-loss'
export { ContrastiveLoss } from './contrastive-loss'
export type { TripletMarginLossOptions } from './triplet-margin-loss'
export { TripletMarginLoss } from './triplet-margin-loss'
export type { SiameseL1LossOptions } from './siamese-l1-loss'
export { SiameseL1Loss } from './siamese-l1-loss'
export type { CenterLossOptions } from './center-loss'
export { CenterLoss } from './center-loss'
export type { EpisodeSplit, PrototypicalLossOptions } from './prototypical-loss'
export { PrototypicalLoss } from './prototypical-loss'
export { episodePrototypes } from './prototypes'
export { embeddingDistillation } from './embedding-distillation'
