// The type of app-script.gen.js, which scripts/build-page.mjs generates (gitignored) from
// src/edge/page/client before wrangler or the workers tests bundle the Worker.

/** The demo page's whole script, bundled: one strict IIFE, served at /demo/app.js. */
export declare const PAGE_SCRIPT: string
