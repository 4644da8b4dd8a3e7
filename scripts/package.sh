#!/usr/bin/env bash
# `npm run package`: builds the bundles and writes an installable extension package,
# out/ddas-augment-<version>-linux-x64.vsix (or the path in $DDAS_VSIX_OUT).
# What goes in is listed in .vscodeignore. No network: vsce is told not to look for a
# repository and not to rewrite the README's relative links.
# The package is platform specific (sharp's native addon and libvips are linux-x64).
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(node -p 'require("./package.json").version')
target=linux-x64
out="${DDAS_VSIX_OUT:-out/ddas-augment-${version}-${target}.vsix}"

if [ "${DDAS_SKIP_BUILD:-0}" != 1 ]; then node scripts/build.mjs; fi

# The shipped runtime dependencies must be the linux-x64 ones that npm installed.
for f in node_modules/@img/sharp-linux-x64/lib node_modules/@img/sharp-libvips-linux-x64/lib node_modules/typescript/lib/typescript.js; do
  [ -e "$f" ] || { echo "package: $f is missing; run npm ci on linux-x64 first." >&2; exit 2; }
done

mkdir -p "$(dirname "$out")"
rm -f "$out"
node_modules/.bin/vsce package \
  --target "$target" \
  --out "$out" \
  --allow-missing-repository \
  --no-rewrite-relative-links \
  --no-gitHubIssueLinking \
  --no-gitLabIssueLinking \
  --no-yarn
echo "package: wrote $out ($(du -k "$out" | cut -f1) KiB)"
