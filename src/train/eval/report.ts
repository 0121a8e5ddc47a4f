/**
 * Markdown table of an evaluation: every figure names its split, protocol, episode count and CI.
 */
import type { EvalReport } from './evaluate'

const pct = (x: number, digits = 2) => `${(100 * x).toFixed(digits)}%`

/**
 * Formats a report as markdown (it reads fine on a console too).
 * @example console.log(formatReport(await evaluateOnnx(bytes, manifest, ds, { split })))
 */
export function formatReport(r: EvalReport): string {
  const lines = [
    `## Evaluation of ${r.model} on ${r.split}`,
    '',
    `${r.images} images, ${r.classes} classes; metric ${r.metric.name}; classifier: nearest ` +
      `prototype (1-shot = 1-NN); seed ${r.seed}; 95% CI = 1.96·sd/√episodes.`,
    ...(r.supportViews
      ? [
          '',
          `Support images are embedded as the API stores them, averaged over ` +
            `${r.supportViews} moved views (manifest output.supportViews); queries are one view.`,
        ]
      : []),
    '',
    '| split | protocol | ways | shots | queries/class | episodes | accuracy | 95% CI |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...r.results.map(
      (e) =>
        `| ${r.split} | ${e.protocol} | ${e.ways} | ${e.shots} | ${e.queries} | ${e.episodes} | ` +
        `${pct(e.accuracy)} | ±${pct(e.ci95)} |`,
    ),
  ]
  for (const s of r.skipped)
    lines.push(
      `| ${r.split} | ${s.setting.protocol} | ${s.setting.ways} | ${s.setting.shots} | ` +
        `${s.setting.queries} | skipped | ${s.reason} | |`,
    )
  const v = r.verification
  if (v) {
    const c = v.calibration
    lines.push(
      '',
      `### Verification on ${r.split} (same/different pairs, balanced)`,
      '',
      '| split | classes | pairs | ROC AUC | EER |',
      '|---|---:|---:|---:|---:|',
      `| ${r.split}, test half | ${c.testClasses} | ${v.pairs} | ${v.auc.toFixed(4)} | ` +
        `${pct(v.eer)} |`,
      '',
      `Threshold at target FAR ${pct(c.targetFalseAcceptRate)}, chosen on ` +
        `${c.calibrationClasses} calibration classes (FAR ${pct(c.calibrationFar)}, ` +
        `TAR ${pct(c.calibrationTar)} there); on the ${c.testClasses} held-out classes: ` +
        `distance ≤ ${c.threshold.toPrecision(4)} gives ` +
        `FAR ${pct(c.falseAcceptRate)}, TAR ${pct(c.trueAcceptRate)} (${v.pairs} pairs).`,
    )
  }
  lines.push('', `Embedding ${r.embedSeconds.toFixed(1)} s, total ${r.totalSeconds.toFixed(1)} s.`)
  return lines.join('\n')
}
