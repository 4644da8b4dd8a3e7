#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need (Debian packages,
# npm packages), builds the bundles, type-checks, lints and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages used by tests: the real Fashion-MNIST dataset; torchvision/PIL (the
# exported Python policy is run against the engine); chromium, ripgrep and libkrb5-dev
# (code-server + Playwright end-to-end tests).
apt_packages=(dataset-fashion-mnist python3-torchvision python3-pil python3-numpy chromium ripgrep libkrb5-dev)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi

npm ci --no-audit --no-fund
npm run build
npm run typecheck
npm run lint
npm run test:unit
# End to end in a real VS Code: code-server + Playwright with Debian's chromium
# (installs code-server into test/e2e/.code-server on first use).
DDAS_E2E_SKIP_BUILD=1 bash test/e2e/run.sh
