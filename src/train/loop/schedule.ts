/** Learning-rate schedules, as pure functions of the step so that a resumed run continues exactly. */
export type ScheduleName = 'constant' | 'cosine' | 'step'

export interface ScheduleOptions {
  name: ScheduleName
  lr: number
  totalSteps: number
  /** linear warm-up steps from lr/10 */
  warmupSteps?: number
  /** for 'step': multiply by `gamma` every `every` steps */
  every?: number
  gamma?: number
  /** for 'cosine': the floor, as a fraction of lr */
  minFraction?: number
}

export function learningRate(o: ScheduleOptions, step: number): number {
  const warm = o.warmupSteps ?? 0
  if (step < warm) return o.lr * (0.1 + (0.9 * step) / warm)
  switch (o.name) {
    case 'constant':
      return o.lr
    case 'step':
      return o.lr * Math.pow(o.gamma ?? 0.5, Math.floor(step / (o.every ?? 2000)))
    case 'cosine': {
      const t = Math.min(1, (step - warm) / Math.max(1, o.totalSteps - warm))
      const floor = o.minFraction ?? 0.01
      return o.lr * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * t)))
    }
  }
}
