/**
 * `npm run train -- --data <omniglot root | folder | zip | generated> [flags]`, or
 * `npm run train -- --preset quick`: the training flow is {@link trainMain} (train-main.ts).
 */
import { runCli } from './args.js'
import { TRAIN_USAGE, trainMain } from './train-main.js'

runCli(async () => void (await trainMain(process.argv.slice(2))), TRAIN_USAGE)
