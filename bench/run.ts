/**
 * `npm run bench -- <name> [flags]`: runs one benchmark under bench/ (each prints its own table).
 *   train     training throughput per backend (bench/train/throughput.ts)
 *   parallel  data-parallel worker threads vs one thread: throughput and loss curves
 *   profile   per-kernel time of one training step (bench/train/profile.ts)
 *   edge      Worker latency, throughput and bundle size under wrangler dev (bench/edge/run.ts)
 *   accuracy  the served model on Omniglot, Lake and Vinyals protocols (bench/accuracy/run.ts)
 *   nn        nearest-neighbour search over up to 100k stored embeddings (bench/edge/nn.ts)
 *   faces     the face pipeline's CPU per 250x250 and 12 Mpx photo, by phase (bench/edge/faces.ts)
 *   faces-api LFW verification and identification through the API vs offline (bench/edge/faces-api.ts)
 *   edge-faces the face model in wrangler dev: CPU per photo, cold start, workerd memory (bench/edge/faces-edge.ts)
 *   gpu       the prepared GPU check (bench/gpu/check.ts)
 *   fault-load  kill wrangler dev mid-burst (idempotent retries), heavy images, 8/32/64 connections
 *   worst     CPU and peak memory of the worst request the image budget accepts
 *   bulk      precomputed embeddings per second through the bulk route in wrangler dev
 *   glyphs    the glyph generator (`generated` data): 1,000 drawings (bench/train/glyphs.ts)
 *   malformed decodeImage's rejection time per malformed-corpus case, Node (bench/edge/malformed.ts)
 *   segments  segmented snapshots: publish and cold-read CPU and memory, publish in workerd
 *   scale     sets of 1k-100k face rows in wrangler dev: ingest, publish, classify, memory; shards
 */
import { spawnSync } from 'node:child_process'

const BENCHES: Record<string, string> = {
  train: 'bench/train/throughput.ts',
  parallel: 'bench/train/parallel.ts',
  profile: 'bench/train/profile.ts',
  edge: 'bench/edge/run.ts',
  accuracy: 'bench/accuracy/run.ts',
  gpu: 'bench/gpu/check.ts',
  nn: 'bench/edge/nn.ts',
  faces: 'bench/edge/faces.ts',
  'faces-api': 'bench/edge/faces-api.ts',
  'edge-faces': 'bench/edge/faces-edge.ts',
  'fault-load': 'bench/edge/fault-load.ts',
  worst: 'bench/edge/worst-request.ts',
  bulk: 'bench/edge/bulk.ts',
  glyphs: 'bench/train/glyphs.ts',
  malformed: 'bench/edge/malformed.ts',
  segments: 'bench/edge/segments.ts',
  scale: 'bench/edge/scale.ts',
}

const [name, ...rest] = process.argv.slice(2)
if (!name || !(name in BENCHES)) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [flags]`)
  process.exit(2)
}
// --expose-gc: benches that report memory collect garbage first (bench/edge/faces.ts)
const NODE_OPTIONS = [process.env.NODE_OPTIONS, '--expose-gc'].filter(Boolean).join(' ')
const r = spawnSync('npx', ['tsx', BENCHES[name], ...rest], {
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS },
})
process.exit(r.status ?? 1)
