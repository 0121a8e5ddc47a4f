#!/usr/bin/env bash
# Reproduces the shipped default model with one command, on the 2-core CPU (wasm backend, one core):
#   bash scripts/train-shipped-model.sh [path to Omniglot, default ../shared/data/omniglot]
# Trains on images_background only (the 20 evaluation alphabets stay unseen), in two phases:
#   1. 650 steps with per-image affine jitter (the v1 recipe, ~56 min);
#   2. a warm restart from phase 1's weights without jitter, 1,300 steps (~95 min): fresh Adam and
#      cosine schedule (bench/RESULTS.md, "Trials", says why).
# Then exports the ONNX (parity-checked), evaluates it on images_evaluation (1,000 episodes per
# setting, both protocols), writes the figures and the calibrated threshold into the manifest
# (training.wallTimeSec counts both phases), and makes it the default.
# An interrupted run resumes from runs/<id>/state when started again.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data/omniglot}
BASE=omniglot-conv4-proto-v1
ID=omniglot-conv4-proto-v3g
EPISODES=(--data "$DATA" --split background --loss prototypical --ways 60 --shots 5 --queries 5
  --lr 1e-3 --schedule cosine --checkpoint-every 25 --backend wasm)

npm run train -- "${EPISODES[@]}" --steps 650 --steps-per-epoch 50 --id "$BASE" --out "runs/$BASE"
npm run train -- "${EPISODES[@]}" --steps 1300 --steps-per-epoch 100 --no-jitter --group-episodes 0.5 \
  --init "runs/$BASE" --id "$ID" --out "runs/$ID" --export --default
npm run eval -- --model "models/$ID.onnx" --data "$DATA" --split evaluation --episodes 1000 \
  --write-manifest --report "models/$ID.eval.md"
# The report with the evaluation table, next to the model.
npm run report -- --run "runs/$ID" --data "$DATA" --split evaluation --eval "models/$ID.json"
mkdir -p "models/$ID.report"
cp "runs/$ID"/{report.html,loss.png,validation.png,projection.png,history.json} "models/$ID.report/"
