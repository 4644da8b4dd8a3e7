#!/usr/bin/env bash
# The main job on the embedded sample: augment real Fashion-MNIST images by the example
# policy and write a contact sheet. (The engine issue turns this into a real search.)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/engine.js ] || npm run build
out=out/demo
node bin/ddas.js info sample/fashion-mnist
node bin/ddas.js apply --policy examples/uniform.augpolicy.json \
  --from-dataset sample/fashion-mnist --take 10 --count 8 --seed 0 \
  --out-dir "$out" --grid "$out/grid.png"
echo "Open $out/grid.png: each row is an original image followed by 8 augmented draws."
