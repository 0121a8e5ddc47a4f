export { mountOpenApi } from './document'
export { docsRoutes } from './docs-page'
export { curlLine, sampleValue, withCurlSamples } from './curl-samples'
