import cliProgress from 'cli-progress'

/**
 * Counts done items: a bar on a terminal (stderr), plain `label n/total` lines otherwise, at most
 * one per `every` items and one at the end.
 */
export class Bar {
  private bar: cliProgress.SingleBar | null = null
  private done = 0
  private failed = 0
  private logged = 0

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly every = 32,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly unit = 'images',
  ) {
    if (out.isTTY) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: out,
          format: `${label} |{bar}| {value}/{total} ${unit} | {failed} failed | ETA {eta_formatted}`,
        },
        cliProgress.Presets.shades_classic,
      )
      this.bar.start(total, 0, { failed: 0 })
    }
  }

  /** `n` more items done, `failed` of them failed. */
  add(n: number, failed = 0) {
    this.done += n
    this.failed += failed
    if (this.bar) return this.bar.update(this.done, { failed: this.failed })
    if (this.done - this.logged >= this.every || this.done === this.total) {
      this.logged = this.done
      this.out.write(
        `${this.label} ${this.done}/${this.total} ${this.unit}, ${this.failed} failed\n`,
      )
    }
  }

  stop() {
    this.bar?.stop()
  }
}
