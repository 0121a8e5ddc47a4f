#!/usr/bin/env bash
# Packs the GPU check for an x86_64 Linux machine with no registry access into bench/gpu/dist/:
#   node.xz      this machine's Node binary (the version the project uses), xz-compressed
#   app.tar.xz   check.mjs (the check and tfjs, bundled by esbuild), tfjs's wasm files, and
#                node_modules/webgpu with only its linux-x64 dawn.node
#   run.sh       unpacks both and runs the check (see docs/GPU.md, "How to run the GPU check")
# Needs the repo's node_modules (npm ci with the optional webgpu packages). Fails over 60 MiB.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dist=$here/dist
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cd "$root"

node_bin=$(command -v node)
version=$(node -p process.version)
case "$version" in v20.*) ;; *) echo "prepare.sh: want Node 20 (package.json engines), have $version" >&2; exit 1 ;; esac
for m in webgpu @tensorflow/tfjs-backend-webgpu @tensorflow/tfjs-backend-wasm; do
  [ -d "node_modules/$m" ] || { echo "prepare.sh: node_modules/$m missing (npm ci)" >&2; exit 1; }
done

rm -rf "$dist"
mkdir -p "$dist" "$stage/app/node_modules/webgpu/dist"
# One ESM file. webgpu stays outside: its index.js loads dist/<platform>-<arch>/dawn.node by a
# path relative to itself. The banner gives bundled CommonJS (tfjs's node builds) the require,
# __filename and __dirname it expects; tfjs-backend-wasm then finds its .wasm beside check.mjs.
banner="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url';\
 import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url);\
 const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);"
node_modules/.bin/esbuild bench/gpu/check.ts --bundle --platform=node --format=esm --target=node20 \
  --external:webgpu --external:@tensorflow/tfjs-node-gpu --external:@tensorflow/tfjs-node \
  --banner:js="$banner" --log-level=error --outfile="$stage/app/check.mjs"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm \
  node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm "$stage/app/"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js node_modules/webgpu/LICENSE.md \
  "$stage/app/node_modules/webgpu/"
cp -r node_modules/webgpu/dist/linux-x64 "$stage/app/node_modules/webgpu/dist/"
echo "$version" > "$stage/app/NODE_VERSION"

echo "compressing node $version ($node_bin) and the app (xz, both cores; a minute or two)" >&2
xz -T2 -6 -c "$node_bin" > "$dist/node.xz"
tar -C "$stage" -cf - app | xz -T2 -6 > "$dist/app.tar.xz"
cp "$here/run.sh" "$dist/run.sh"
(cd "$dist" && sha256sum node.xz app.tar.xz > SHA256SUMS)

bytes=$(du -cb "$dist"/* | tail -1 | cut -f1)
ls -l "$dist" >&2
printf 'bench/gpu/dist: %.1f MiB in all (limit 60 MiB); unpacked app %s\n' \
  "$(echo "$bytes / 1048576" | bc -l)" "$(du -sh "$stage/app" | cut -f1)"
[ "$bytes" -le $((60 * 1024 * 1024)) ] || { echo 'prepare.sh: over 60 MiB' >&2; exit 1; }
