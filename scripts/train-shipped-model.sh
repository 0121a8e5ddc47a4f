#!/usr/bin/env bash
# Reproduces the shipped default model with one command, on the 2-core CPU (wasm backend):
#   bash scripts/train-shipped-model.sh [path to Omniglot, default ../shared/data/omniglot]
# Trains on images_background only (the 20 evaluation alphabets stay unseen), in nine phases,
# each a warm restart from the last one's weights (fresh Adam and cosine schedule; bench/RESULTS.md,
# "Trials", says why):
#   1. 650 steps with per-image affine jitter (the v1 recipe, ~56 min, one core);
#   2. 1,300 steps without jitter, half of the episodes from one alphabet (~88 min, one core);
#   3. 500 steps at half the learning rate (~34 min, one core);
#   4. 1,800 steps on both cores (2 worker threads, 2 episodes per step), 70% one-alphabet
#      episodes, another seed (~135 min);
#   5. 1,500 more steps like phase 4, another seed (~113 min);
#   6. 1,500 more steps like phase 5, another seed, distilling phase 5's 9-view embedding (a
#      `--views box1` export, the teacher) into the one-view net (`--distill`, ~106 min);
#   7. 1,500 more steps like phase 6, another seed, with phase 6's own 9-view export as the teacher
#      (~100 min);
#   8. 500 more steps like phase 7, another seed, with phase 7's 9-view export as the teacher
#      (~35 min);
#   9. 1,000 more steps like phase 8, another seed, with phase 8's 9-view export as the teacher
#      (~70 min).
# Then exports phase 9 twice, both parity-checked: with test-time shift averaging inside the graph
# (`--views plus1`: the image and its four 1-pixel moves, 5 forward passes) and without (one pass,
# the faster model; it embeds a stored support example over nine views, the image and its eight
# 1-pixel moves, `--support-views box1`, so only enrolment pays for them and a classify stays one
# pass), evaluates both on images_evaluation (1,000 episodes per setting, both protocols), writes the figures and calibrated thresholds into their manifests
# (training.wallTimeSec counts all nine phases, training.init names them), and makes the fast
# one the default (the accurate one misses the 2 ms warm-classify budget; DEFAULT_ID=omniglot-conv4-proto-v10d-views5
# serves it instead, see README "The shipped model").
# Phase 4 of the shipped run first followed a 2,200-step cosine for 400 steps and was then resumed
# with --steps 1800 to fit the session (bench/RESULTS.md trial 11); this script runs 1,800 throughout,
# so a rerun is close to, not bit-identical with, the shipped weights.
# An interrupted phase resumes from runs/<id>/state when started again.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data/omniglot}
P1=omniglot-conv4-proto-v1
P2=omniglot-conv4-proto-v3g
P3=omniglot-conv4-proto-v4g
P4=omniglot-conv4-proto-v5g
P5=omniglot-conv4-proto-v6g
P6=omniglot-conv4-proto-v7d
P7=omniglot-conv4-proto-v8d
P8=omniglot-conv4-proto-v9d
P9=omniglot-conv4-proto-v10d
ACCURATE=omniglot-conv4-proto-v10d-views5
FAST=omniglot-conv4-proto-v10d
DEFAULT_ID=${DEFAULT_ID:-$FAST}
EPISODES=(--data "$DATA" --split background --loss prototypical --ways 60 --shots 5 --queries 5
  --schedule cosine --checkpoint-every 25 --backend wasm)

npm run train -- "${EPISODES[@]}" --lr 1e-3 --steps 650 --steps-per-epoch 50 --id "$P1" --out "runs/$P1"
npm run train -- "${EPISODES[@]}" --lr 1e-3 --steps 1300 --steps-per-epoch 100 --no-jitter \
  --group-episodes 0.5 --init "runs/$P1" --id "$P2" --out "runs/$P2"
npm run train -- "${EPISODES[@]}" --lr 5e-4 --steps 500 --steps-per-epoch 100 --no-jitter \
  --group-episodes 0.5 --init "runs/$P2" --id "$P3" --out "runs/$P3"
npm run train -- "${EPISODES[@]}" --lr 1e-3 --steps 1800 --steps-per-epoch 200 --no-jitter \
  --group-episodes 0.7 --seed 3 --workers 2 --init "runs/$P3" --id "$P4" --out "runs/$P4"
npm run train -- "${EPISODES[@]}" --lr 1e-3 --steps 1500 --steps-per-epoch 150 --no-jitter \
  --group-episodes 0.7 --seed 4 --workers 2 --init "runs/$P4" --id "$P5" --out "runs/$P5"
# Phases 6 to 9 each distil the previous phase's 9-view export (the teacher) into the one-view net.
# distil <from phase> <to phase> <steps> <steps per epoch> <seed>
distil() {
  npm run export -- --checkpoint "runs/$1/model" --id "$1-box1" --views box1 --data "$DATA" \
    --models-dir runs/teachers
  npm run train -- "${EPISODES[@]}" --lr 1e-3 --steps "$3" --steps-per-epoch "$4" --no-jitter \
    --group-episodes 0.7 --seed "$5" --workers 2 --distill "runs/teachers/$1-box1.onnx" \
    --init "runs/$1" --id "$2" --out "runs/$2"
}
distil "$P5" "$P6" 1500 150 5
distil "$P6" "$P7" 1500 150 6
distil "$P7" "$P8" 500 125 7
distil "$P8" "$P9" 1000 125 8

for spec in "$ACCURATE plus1 none" "$FAST none box1"; do
  read -r ID VIEWS SUPPORT_VIEWS <<<"$spec"
  npm run export -- --checkpoint "runs/$P9/model" --id "$ID" --views "$VIEWS" \
    --support-views "$SUPPORT_VIEWS" --data "$DATA" \
    $([ "$ID" = "$DEFAULT_ID" ] && echo --default)
  npm run eval -- --model "models/$ID.onnx" --data "$DATA" --split evaluation --episodes 1000 \
    --write-manifest --report "models/$ID.eval.md"
done
# The training report with the default model's evaluation table, next to the model.
npm run report -- --run "runs/$P9" --data "$DATA" --split evaluation --eval "models/$DEFAULT_ID.json"
mkdir -p "models/$DEFAULT_ID.report"
cp "runs/$P9"/{report.html,loss.png,validation.png,projection.png,history.json} "models/$DEFAULT_ID.report/"
