#!/usr/bin/env bash
# The GPU check on the GPU machine (no registry needed): unpacks node.xz and app.tar.xz from the
# folder it sits in (or its dist/), prints the GPU and adapter, runs the throughput benchmark on
# webgpu and wasm and a short webgpu training run, and writes results.json.
#   bash run.sh [--out results.json] [--steps 10] [--runs 3] [--train-steps 200] [--backends webgpu,wasm]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pack=$here
[ -f "$pack/node.xz" ] || pack=$here/dist
[ -f "$pack/node.xz" ] || { echo "run.sh: no node.xz beside me or in dist/ (run prepare.sh first)" >&2; exit 1; }
work=${GPU_CHECK_WORK:-$pack/work}
mkdir -p "$work"

# xz, or Python's lzma where xz is not installed
unxz_to() { if command -v xz >/dev/null; then xz -dc "$1" > "$2"; else
  python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi; }
if [ ! -x "$work/node" ] || [ "$pack/node.xz" -nt "$work/node" ]; then
  (cd "$pack" && sha256sum -c --quiet SHA256SUMS) || { echo 'run.sh: checksum mismatch' >&2; exit 1; }
  unxz_to "$pack/node.xz" "$work/node" && chmod +x "$work/node"
  unxz_to "$pack/app.tar.xz" "$work/app.tar" && tar -C "$work" -xf "$work/app.tar" && rm "$work/app.tar"
fi
echo "node $("$work/node" -v) on $(uname -srm)"
if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
else echo 'nvidia-smi: not found (no NVIDIA driver here?)'; fi
# Dawn uses Vulkan on a GPU: the driver's ICD must be visible (in Docker: NVIDIA_DRIVER_CAPABILITIES
# must include graphics). Without it Dawn falls back to GL ES, possibly Mesa's software llvmpipe,
# and the check says so.
ls /usr/share/vulkan/icd.d/ /etc/vulkan/icd.d/ 2>/dev/null | grep -i nvidia || echo 'no NVIDIA Vulkan ICD file found'
cd "${GPU_CHECK_OUT:-$PWD}"
exec "$work/node" "$work/app/check.mjs" "$@"
