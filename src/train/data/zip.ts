/**
 * Reads a class-per-folder image tree straight out of a zip (fflate, in memory): the official
 * Omniglot zips are used as they are, never extracted to disk.
 */
import { unzipSync } from 'fflate'
import type { ClassFiles } from './decode'
import { IMAGE_EXTENSIONS, byName, isJunkName } from './image-folder'

/**
 * Lists `<prefix>/<group>/<class>/<image>` entries of a zip as classes named `<group>/<class>`.
 * Only matching entries are decompressed. `zipPath` is used in messages.
 * @example listZipClasses(readFileSync(zip), zip, 'images_background')
 */
export function listZipClasses(
  zipBytes: Uint8Array,
  zipPath: string,
  prefix: string,
): ClassFiles[] {
  const pre = prefix.endsWith('/') ? prefix : `${prefix}/`
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(zipBytes, {
      filter: (f) =>
        f.name.startsWith(pre) && IMAGE_EXTENSIONS.some((e) => f.name.toLowerCase().endsWith(e)),
    })
  } catch (e) {
    throw new Error(`cannot read zip ${zipPath}: ${(e as Error).message}`, { cause: e })
  }
  const byClass = new Map<string, { group: string; files: string[] }>()
  for (const name of Object.keys(files)) {
    const parts = name.slice(pre.length).split('/')
    // Exactly group/class/file; deeper or shallower entries are not part of the layout.
    if (parts.length !== 3 || parts.some(isJunkName)) continue
    const key = `${parts[0]}/${parts[1]}`
    const c = byClass.get(key)
    if (c) c.files.push(name)
    else byClass.set(key, { group: parts[0], files: [name] })
  }
  if (byClass.size === 0)
    throw new Error(`zip ${zipPath} has no images under ${pre}<group>/<class>/ (wrong zip?)`)
  return [...byClass.keys()].sort(byName).map((key) => {
    const c = byClass.get(key)!
    return {
      name: key,
      group: c.group,
      files: c.files.sort(byName).map((n) => ({ path: `${zipPath}:${n}`, read: () => files[n] })),
    }
  })
}
