import workers from '../../../vitest.workers.config'

// The workers test setup (workerd, Miniflare KV and Durable Objects), for the publish benchmark
// only (mergeConfig would add to the suite's files, not replace them).
export default {
  ...workers,
  test: {
    ...workers.test,
    include: ['bench/edge/segments/*.workerd.test.ts'],
    testTimeout: 600_000,
  },
}
