// The Worker entry: the app over the bundled default model, and the Durable Object classes.
import { manifest, model } from '../../models/default'
import { createApp } from './app'

export { SupportSetStore, TenantStore } from './storage'
export { createApp, type AppType } from './app'

export default createApp({ model: { manifest, model } })
