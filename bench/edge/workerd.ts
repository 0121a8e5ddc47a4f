// The workerd processes of a `wrangler dev` (found by its process group in /proc): their memory
// and CPU time, for benchmarks that measure the Worker from outside (Linux only).
import { readdirSync, readFileSync } from 'node:fs'

/** The workerd processes in process group `pgid`: pid, /proc/<pid>/stat after "(comm)", status. */
function workerds(pgid: number): { stat: string[]; status: string }[] {
  const out: { stat: string[]; status: string }[] = []
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: string
    let status: string
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      status = readFileSync(`/proc/${pid}/status`, 'utf8')
    } catch {
      continue // exited meanwhile
    }
    // fields after "(comm)": state ppid pgrp ...
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (comm === 'workerd' && Number(fields[2]) === pgid) out.push({ stat: fields, status })
  }
  if (!out.length) throw new Error(`no workerd process in process group ${pgid}`)
  return out
}

/**
 * VmRSS and VmHWM (bytes) of the workerd process in process group `pgid` (wrangler's) that runs
 * the Worker: wrangler dev starts two workerd processes; the Worker's is the larger.
 */
export function workerdMemory(pgid: number): { rss: number; peak: number } {
  let best: { rss: number; peak: number } | null = null
  for (const { status } of workerds(pgid)) {
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)![1]) * 1024
    const m = { rss: kb('VmRSS'), peak: kb('VmHWM') }
    if (!best || m.rss > best.rss) best = m
  }
  return best!
}

/**
 * CPU time (ms, user + system) of all workerd processes in process group `pgid` so far. The
 * kernel counts it in clock ticks (10 ms here): a difference over one request is coarse, a mean
 * over many is not.
 */
export function workerdCpuMs(pgid: number): number {
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat: 11 and 12 after "(comm) "
  const ticks = workerds(pgid).reduce((s, p) => s + Number(p.stat[11]) + Number(p.stat[12]), 0)
  return (ticks * 1000) / 100 // USER_HZ is 100 on Linux
}
