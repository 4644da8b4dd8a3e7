#!/usr/bin/env bash
# The main job on the embedded sample: a real DDAS search (Quick preset) on 4,000
# Fashion-MNIST images, then the found policy applied to a few of them as a contact sheet.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/engine.js ] || npm run build
out=out/sample
node bin/ddas.js info sample/fashion-mnist
node bin/ddas.js search sample/fashion-mnist --preset quick --seed 0 --out "$out/fashion-mnist.augpolicy.json" --force
node bin/ddas.js apply --policy "$out/fashion-mnist.augpolicy.json" \
  --from-dataset sample/fashion-mnist --take 10 --count 8 --seed 0 \
  --out-dir "$out/augmented" --grid "$out/grid.png"
echo "Policy: $out/fashion-mnist.augpolicy.json   Preview: $out/grid.png (each row: an original, then 8 draws of the policy)"
