export { mountOpenApi } from './document'
export { renderDocs } from './docs-page'
