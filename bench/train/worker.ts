// One backend's benchmark in its own process: `tsx bench/train/worker.ts '<task JSON>'`.
import { workerMain } from './worker-main.js'

await workerMain(process.argv[2] ?? '{}')
