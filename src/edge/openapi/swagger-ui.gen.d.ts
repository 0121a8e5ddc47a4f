// The type of swagger-ui.gen.js, which scripts/build-page.mjs generates (gitignored) from the
// swagger-ui-dist package before wrangler or the workers tests bundle the Worker.

/** swagger-ui-dist's version. */
export declare const SWAGGER_UI_VERSION: string
/** swagger-ui-dist's `swagger-ui-bundle.js` (defines `SwaggerUIBundle`), served at /docs/swagger-ui.js. */
export declare const SWAGGER_UI_JS: string
/** swagger-ui-dist's `swagger-ui.css`, served at /docs/swagger-ui.css. */
export declare const SWAGGER_UI_CSS: string
