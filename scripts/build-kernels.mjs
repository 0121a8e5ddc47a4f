// Builds src/core/kernels/*.wat into the committed *.wasm beside them (wabt, a dev dependency):
// `node scripts/build-kernels.mjs`. The Worker imports the .wasm as a module (workerd cannot
// compile wasm from bytes); Node reads the same file.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import wabt from 'wabt'

const dir = new URL('../src/core/kernels/', import.meta.url)
const w = await wabt()
for (const name of readdirSync(dir).filter((f) => f.endsWith('.wat'))) {
  const mod = w.parseWat(name, readFileSync(new URL(name, dir), 'utf8'), { simd: true })
  mod.validate()
  const { buffer } = mod.toBinary({})
  const out = name.replace(/\.wat$/, '.wasm')
  writeFileSync(new URL(out, dir), buffer)
  console.log(`${out}: ${buffer.length} bytes`)
  mod.destroy()
}
