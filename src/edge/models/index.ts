export {
  catalogueStub,
  ModelCatalogue,
  type AliasResult,
  type CatalogueRefusal,
  type PublishResult,
  type RetireResult,
} from './catalogue.do'
export { loadedModel, type LoadedModel } from './loaded-model'
export { CATALOGUE_CACHE_MS, entryFor, forgetCatalogue, ModelStore } from './store'
export * from './types'
