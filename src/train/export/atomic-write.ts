/**
 * Writes that never leave a half-written file: every file goes to a temp name in the same folder
 * and is renamed over its target only after ALL temps of the batch are written (rename within a
 * folder is atomic on POSIX). A failure before the renames removes the temps and changes nothing.
 */
import { randomBytes } from 'node:crypto'
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/** One file to write. */
export interface PendingFile {
  path: string
  data: Uint8Array | string
}

/**
 * Writes the files via temps, then renames them in the order given (put the file that names the
 * others, e.g. a manifest, last: a reader who sees it finds what it points to).
 */
export function writeFilesAtomic(files: PendingFile[]): void {
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`
  const temps: string[] = []
  try {
    for (const f of files) {
      const tmp = join(dirname(f.path), `.${basename(f.path)}.tmp-${tag}`)
      temps.push(tmp)
      writeFileSync(tmp, f.data)
    }
  } catch (e) {
    for (const t of temps) rmSync(t, { force: true })
    throw e
  }
  files.forEach((f, i) => renameSync(temps[i], f.path))
}
