// Why `--backend tensorflow` is unavailable, in words a user can act on. tfjs-node(-gpu)'s install
// script downloads libtensorflow from Google storage, which answers 403 now (tensorflow/tfjs#8742),
// so the package often installs without its native part; the raw import error does not say that.

/** The two ways an import of tfjs-node(-gpu) fails, told apart by the error text. */
export type TensorflowFailure = 'not-installed' | 'no-binding' | 'no-libtensorflow' | 'other'

/** Classifies an import error of `pkg` by its text (so it is testable without the package). */
export function classifyTensorflowError(pkg: string, message: string): TensorflowFailure {
  // Node names the package itself when it is absent, and a file inside it when a part is missing.
  if (/Cannot find (package|module) '([^']*)'/.test(message)) {
    const missing = /Cannot find (?:package|module) '([^']*)'/.exec(message)![1]
    if (missing === pkg || missing.endsWith(`/node_modules/${pkg}`)) return 'not-installed'
    if (/tfjs_binding\.node/.test(missing)) return 'no-binding'
  }
  const lib = /libtensorflow[^ ]*\.so|tensorflow\.dll|cannot open shared object/
  if (lib.test(message)) return 'no-libtensorflow'
  if (/tfjs_binding\.node/.test(message)) return 'no-binding'
  return 'other'
}

/**
 * The message for a failed import of tfjs-node(-gpu): one line for a package that is simply not
 * installed, and the steps to point it at a local libtensorflow when its native part is missing.
 */
export function tensorflowHelp(pkg: string, message: string): string {
  const first = message.split('\n')[0]
  const kind = classifyTensorflowError(pkg, message)
  if (kind === 'not-installed') return `${pkg} not installed`
  const what =
    kind === 'no-binding'
      ? 'its native binding (lib/napi-v*/tfjs_binding.node) was never built'
      : kind === 'no-libtensorflow'
        ? 'its binding is built but libtensorflow does not load'
        : 'it failed to load'
  const gpu = pkg.endsWith('-gpu')
    ? ' (a CUDA build matching your driver; 2.9.1 wants CUDA 11.2)'
    : ''
  return (
    `${pkg} is installed but ${what}: ${first}. Its install downloads libtensorflow from Google ` +
    `storage, which now answers 403 (tensorflow/tfjs#8742). Give it a local libtensorflow${gpu}: ` +
    `(a) unpack it into node_modules/${pkg}/deps (deps/lib/libtensorflow.so.2.9.1) and run ` +
    `'npm rebuild ${pkg}', or (b) serve the tarball yourself and set ` +
    `TFJS_NODE_CDN_STORAGE=<base URL> (or write node_modules/${pkg}/scripts/custom-binary.json ` +
    `{"tf-lib": "<tarball URL>"}) before 'npm rebuild ${pkg}'. Steps: docs/GPU.md`
  )
}
