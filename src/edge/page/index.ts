export { pageRoutes } from './routes'
export { devKeyFor } from './dev-key'
