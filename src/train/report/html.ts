/**
 * The self-contained report.html: title, training configuration, charts as inline SVG (each
 * linking its PNG twin), the embedding projection and the evaluation table. No scripts, no
 * external assets, so it opens from a file:// URL or a CI artifact as is.
 */
import { esc } from './plot-svg'
import type { ReportEval } from './types'

/** One chart section: inline SVG, its caption, and the PNG file next to report.html. */
export interface HtmlFigure {
  heading: string
  svg: string
  caption: string
  png: string
}

const pct = (x: number, digits = 2) => `${(100 * x).toFixed(digits)}%`
const td = (s: string | number, num = false) =>
  `<td${num ? ' class="n"' : ''}>${esc(String(s))}</td>`

/**
 * Rows for the configuration table: the training facts first, then every recipe field.
 * @example configRows({ backend: 'wasm', wallTimeSec: 620, recipe: { loss: 'prototypical' } })
 */
export function configRows(training: Record<string, unknown>): [string, string][] {
  const rows: [string, string][] = []
  const { recipe, ...facts } = training as { recipe?: Record<string, unknown> }
  for (const [k, v] of Object.entries(facts)) {
    if (v === undefined) continue
    const text = k === 'wallTimeSec' && typeof v === 'number' ? wallTime(v) : show(v)
    rows.push([k === 'wallTimeSec' ? 'wall time' : k, text])
  }
  for (const [k, v] of Object.entries(recipe ?? {})) rows.push([`recipe.${k}`, show(v)])
  return rows
}

// 0.45999999999999996 is float noise, not information
const round = (_: string, v: unknown) => (typeof v === 'number' ? +v.toPrecision(6) : v)
const show = (v: unknown) =>
  typeof v === 'object' && v !== null ? JSON.stringify(v, round) : String(v)
const wallTime = (s: number) =>
  `${s} s (${s >= 3600 ? `${(s / 3600).toFixed(2)} h` : `${(s / 60).toFixed(1)} min`})`

/**
 * The evaluation as HTML tables: N-way K-shot accuracies with 95% CIs, then verification. Every
 * row names the split, protocol and episode count.
 */
export function evalTables(r: ReportEval): string {
  const head =
    '<tr><th>split</th><th>protocol</th><th>ways</th><th>shots</th><th>queries/class</th>' +
    '<th>episodes</th><th>accuracy</th><th>95% CI</th></tr>'
  const rows = r.results.map(
    (e) =>
      `<tr>${td(r.split)}${td(e.protocol)}${td(e.ways, true)}${td(e.shots, true)}` +
      `${td(e.queries, true)}${td(e.episodes, true)}${td(pct(e.accuracy), true)}` +
      `${td(`±${pct(e.ci95)}`, true)}</tr>`,
  )
  for (const s of r.skipped ?? [])
    rows.push(
      `<tr>${td(r.split)}${td(s.setting.protocol)}${td(s.setting.ways, true)}` +
        `${td(s.setting.shots, true)}<td colspan="4">skipped: ${esc(s.reason)}</td></tr>`,
    )
  const model = r.model ? ` of <code>${esc(r.model)}</code>` : ''
  const metric = r.metric ? `, metric ${esc(r.metric.name)}` : ''
  const out = [
    `<p>N-way K-shot episodes${model} on <b>${esc(r.split)}</b>${metric}; nearest prototype ` +
      '(1-shot = 1-NN); accuracy is the mean over episodes, 95% CI = 1.96·sd/√episodes.</p>',
    `<table>${head}${rows.join('')}</table>`,
  ]
  const v = r.verification
  if (v) {
    const c = v.calibration
    out.push(
      `<h3>Verification on ${esc(r.split)} (same/different pairs)</h3>`,
      '<table><tr><th>split</th><th>pairs</th><th>ROC AUC</th><th>EER</th>' +
        `${c ? '<th>threshold</th><th>FAR</th><th>TAR</th>' : ''}</tr><tr>${td(r.split)}` +
        `${td(v.pairs, true)}${td(v.auc.toFixed(4), true)}${td(pct(v.eer), true)}` +
        (c
          ? td(`≤ ${c.threshold.toPrecision(4)} (target FAR ${pct(c.targetFalseAcceptRate)})`) +
            `${td(pct(c.falseAcceptRate), true)}${td(pct(c.trueAcceptRate), true)}`
          : '') +
        '</tr></table>',
    )
  }
  return out.join('\n')
}

/** The reports' stylesheet (plain CSS, inlined in each page). */
export const REPORT_STYLE = `body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;
padding:0 1em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}
figure{margin:1em 0 2em}figcaption{color:#555;font-size:.9em;max-width:820px}code{font-size:.95em}`

/**
 * The whole page.
 * @example writeFileSync('report.html', reportHtml({ title, config, figures, evalReport }))
 */
export function reportHtml(o: {
  title: string
  config: [string, string][]
  figures: HtmlFigure[]
  evalReport?: ReportEval
  notes?: string[]
}): string {
  const figures = o.figures.map(
    (fig) =>
      `<section><h2>${esc(fig.heading)}</h2><figure>${fig.svg}<figcaption>${esc(fig.caption)} ` +
      `<a href="${esc(fig.png)}">PNG</a></figcaption></figure></section>`,
  )
  const config = o.config.map(
    ([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`,
  )
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${esc(o.title)}</title>`,
    `<style>${REPORT_STYLE}</style></head><body>`,
    `<h1>${esc(o.title)}</h1>`,
    `<p>Written ${esc(new Date().toISOString())}.</p>`,
    ...(o.notes ?? []).map((n) => `<p>${esc(n)}</p>`),
    '<h2>Training configuration</h2>',
    config.length ? `<table>${config.join('')}</table>` : '<p>No training facts recorded.</p>',
    ...figures,
    '<h2>Evaluation</h2>',
    o.evalReport
      ? evalTables(o.evalReport)
      : '<p>No evaluation report given (run <code>npm run eval</code> on the exported model, ' +
        'then <code>npm run report -- --run &lt;dir&gt; --eval &lt;json&gt;</code>).</p>',
    '</body></html>',
    '',
  ].join('\n')
}
