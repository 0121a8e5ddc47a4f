// The Worker entry: the app, and the Durable Object classes. Models are not bundled: they come
// from the model store (src/edge/models), published with `npm run models -- publish`.
import { createApp } from './app'

export { ModelCatalogue } from './models'
export { SupportSetStore, TenantStore } from './storage'
export { createApp, type AppType } from './app'

export default createApp()
