export { adminAuth } from './admin'
export { bearerAuth, DEV_TENANT } from './bearer'
export { devKey, type DevVars } from './dev'
export { equalHashes, parseApiKeys, sha256, sha256Hex, TENANT_PATTERN, type KeyEntry } from './keys'
