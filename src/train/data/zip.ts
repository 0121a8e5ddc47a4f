/**
 * Reads a class-per-folder image tree straight out of a zip (fflate, in memory): the official
 * Omniglot zips and LFW's `lfw/<person>/<photo>` zip are used as they are, never extracted.
 */
import { basename } from 'node:path'
import { unzipSync } from 'fflate'
import type { ClassFiles } from './decode'
import { byName, isImageName, isJunkName } from './file-names'

/**
 * Lists `<prefix>/<group>/<class>/<image>` entries of a zip as classes named `<group>/<class>`,
 * or, with `twoLevel: false`, `<prefix>/<class>/<image>` as classes `<class>` (group = the
 * prefix's last folder, or the zip's name without a prefix). Only matching entries are
 * decompressed. `zipPath` is used in messages.
 * @example listZipClasses(readFileSync(zip), zip, 'images_background')
 */
export function listZipClasses(
  zipBytes: Uint8Array,
  zipPath: string,
  prefix: string,
  opts: { twoLevel?: boolean } = {},
): ClassFiles[] {
  const twoLevel = opts.twoLevel ?? true
  const pre = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`
  const topGroup = pre ? basename(pre) : basename(zipPath).replace(/\.zip$/i, '')
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(zipBytes, { filter: (f) => f.name.startsWith(pre) && isImageName(f.name) })
  } catch (e) {
    throw new Error(`cannot read zip ${zipPath}: ${(e as Error).message}`, { cause: e })
  }
  const byClass = new Map<string, { group: string; files: string[] }>()
  for (const name of Object.keys(files)) {
    const parts = name.slice(pre.length).split('/')
    // Exactly [group/]class/file; deeper or shallower entries are not part of the layout.
    if (parts.length !== (twoLevel ? 3 : 2) || parts.some(isJunkName)) continue
    const key = parts.slice(0, -1).join('/')
    const c = byClass.get(key)
    if (c) c.files.push(name)
    else byClass.set(key, { group: twoLevel ? parts[0] : topGroup, files: [name] })
  }
  if (byClass.size === 0) {
    const layout = twoLevel ? '<group>/<class>/' : '<class>/'
    throw new Error(`zip ${zipPath} has no images under ${pre}${layout} (wrong zip?)`)
  }
  return [...byClass.keys()].sort(byName).map((key) => {
    const c = byClass.get(key)!
    return {
      name: key,
      group: c.group,
      files: c.files.sort(byName).map((n) => ({ path: `${zipPath}:${n}`, read: () => files[n] })),
    }
  })
}

/**
 * The folder a zip's class tree sits under: the one top folder every image shares when each lies
 * `depth` folders below it (`lfw/` in `lfw/<person>/<photo>`), else '' (the zip's root).
 * Reads entry names only.
 * @example zipTreePrefix(readFileSync('lfw-dev.zip'), 1) // 'lfw'
 */
export function zipTreePrefix(zipBytes: Uint8Array, depth: number): string {
  const tops = new Set<string>()
  let nested = true
  unzipSync(zipBytes, {
    filter: (f) => {
      const parts = f.name.split('/')
      if (isImageName(f.name) && !parts.some(isJunkName)) {
        tops.add(parts[0])
        nested &&= parts.length === depth + 2
      }
      return false // names only: nothing is extracted
    },
  })
  return nested && tops.size === 1 ? [...tops][0] : ''
}
