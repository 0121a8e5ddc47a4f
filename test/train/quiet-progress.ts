import { Progress } from '../../src/train/loop/progress'

/** A progress reporter that writes nothing (tests only care about the loop's results). */
export const quietProgress = () =>
  new Progress(1, 1e9, { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream)
