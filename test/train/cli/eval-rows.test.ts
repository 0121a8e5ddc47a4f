// Compact stored rows (int8 with a scale per row, as the Worker's snapshots keep them) against
// float32, with the shipped default model on the repository's own generated glyphs: the same
// embeddings and seeded episodes scored both ways (`npm run eval -- --rows float32,int8`) must
// agree within issue 21's bound, 0.1 point per setting.
import { describe, expect, it } from 'vitest'
import { runCli } from './run-cli'

describe('npm run eval --rows float32,int8 (shipped model, generated glyphs)', () => {
  it('int8 rows score every episode setting within 0.1 point of float32', () => {
    const r = runCli('eval', [
      ...['--model', 'models/omniglot-conv4-proto-v10d.onnx', '--data', 'generated'],
      ...['--rows', 'float32,int8', '--episodes', '200'],
    ])
    expect(r.code, r.err).toBe(0)
    const rows = [
      ...r.out.matchAll(/^\| (\S+ \d+-way \d+-shot) \| ([\d.]+) \| ([\d.]+) \| (-?[\d.]+) \|$/gm),
    ]
    expect(rows.length).toBeGreaterThanOrEqual(4)
    for (const [, setting, f32, i8, delta] of rows) {
      expect(Number(f32), setting).toBeGreaterThan(90) // the model works on these glyphs
      expect(Math.abs(Number(delta)), setting).toBeLessThan(0.1)
      expect(Math.abs(Number(i8) - Number(f32)), setting).toBeLessThan(0.1 + 0.01)
    }
  })
})
