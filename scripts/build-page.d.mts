// Types of build-page.mjs (for vitest.workers.config.ts and the TypeScript scripts).

/** The absolute paths of the client's entry and of the generated module. */
export declare const CLIENT_ENTRY: string
export declare const GENERATED: string
/** The page script: every client module in one strict IIFE. */
export declare function bundlePage(): Promise<string>
/** Writes src/edge/page/app-script.gen.js when its content changed; returns its path. */
export declare function buildPage(): Promise<string>
/** Rebuilds on client changes (debounced); returns a function that stops watching. */
export declare function watchPage(onError?: (err: Error) => void): () => void
