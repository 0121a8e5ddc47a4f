/** What the folder and zip loaders count as an image, and the order they list things in. */

/** File extensions the folder loaders pick up (core decodes PNG and JPEG). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const

/** Code-unit order: deterministic whatever the machine's locale. */
export const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Hidden files and macOS resource forks that zips and copies drag along. */
export const isJunkName = (name: string): boolean => name.startsWith('.') || name === '__MACOSX'

/** True for a file name with one of {@link IMAGE_EXTENSIONS}, in any case. */
export const isImageName = (name: string): boolean =>
  IMAGE_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e))
