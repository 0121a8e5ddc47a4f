export { ID_PATTERN, newId, storage, supportSet, tenantIndex } from './access'
export {
  deleteKeys,
  kvKeys,
  readImage,
  readSnapshot,
  readValue,
  writeImage,
  writeSnapshot,
} from './kv'
export { decodeSnapshot, encodeSnapshot, snapshotBytes, type Snapshot } from './snapshot'
export { decodeHead, isHead, SEGMENT_ROWS, type Head } from './segments'
export { SnapshotCache } from './snapshot-cache'
export { ORPHAN_GRACE_MS, PUBLISH_INTERVAL_MS, SupportSetStore } from './support-set.do'
export { TenantStore } from './tenant.do'
export type * from './types'
