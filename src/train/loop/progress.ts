import cliProgress from 'cli-progress'

/**
 * A progress bar with loss, images/s and ETA on a terminal; plain log lines every `logEvery` steps
 * otherwise (nohup logs and CI would fill with carriage returns).
 */
export class Progress {
  private bar: cliProgress.SingleBar | null = null
  private lastLog = 0

  constructor(
    private readonly total: number,
    private readonly logEvery = 25,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  start(step: number) {
    if (this.out.isTTY) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.out,
          format:
            'train |{bar}| {value}/{total} steps | loss {loss} | {ips} img/s | lr {lr} | ETA {eta_formatted}',
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      )
      this.bar.start(this.total, step, { loss: '-', ips: '-', lr: '-' })
    }
  }

  update(step: number, f: { loss: number; imagesPerSec: number; lr: number; etaSec: number }) {
    const payload = {
      loss: f.loss.toFixed(4),
      ips: f.imagesPerSec.toFixed(0),
      lr: f.lr.toExponential(2),
    }
    if (this.bar) return this.bar.update(step, payload)
    if (step - this.lastLog >= this.logEvery || step === this.total) {
      this.lastLog = step
      const eta = `${Math.floor(f.etaSec / 60)}m${String(Math.round(f.etaSec % 60)).padStart(2, '0')}s`
      this.out.write(
        `step ${step}/${this.total} loss ${payload.loss} ${payload.ips} img/s lr ${payload.lr} ETA ${eta}\n`,
      )
    }
  }

  log(line: string) {
    if (this.bar) this.bar.stop()
    this.out.write(line + '\n')
    if (this.bar) this.bar.start(this.total, this.bar.getProgress() * this.total)
  }

  stop() {
    this.bar?.stop()
  }
}
