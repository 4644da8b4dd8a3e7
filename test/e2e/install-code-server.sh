#!/usr/bin/env bash
# Installs what the end-to-end tests need, outside the project's node_modules:
#   - Debian packages: chromium (Playwright's browser), libkrb5-dev (code-server's
#     kerberos addon build), ripgrep (seeds @vscode/ripgrep's download cache), git.
#   - code-server (pinned) into $DDAS_E2E_HOME (default test/e2e/.code-server).
# Idempotent: does nothing when the pinned version is already installed.
# Recipe and measurements: shared/docs/E2E.md.
set -euo pipefail

CODE_SERVER_VERSION="4.100.3"
RIPGREP_PKG_VERSION="1.15.11"   # @vscode/ripgrep used by code-server 4.100.3
RIPGREP_TARBALL="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"

here="$(cd "$(dirname "$0")" && pwd)"
dest="${DDAS_E2E_HOME:-$here/.code-server}"

# 1. Debian packages.
need=()
for p in chromium libkrb5-dev ripgrep git; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "e2e install: apt packages ${need[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# 2. code-server, skipped when the pinned version is present.
pkg_json="$dest/node_modules/code-server/package.json"
if [ -f "$pkg_json" ] && [ "$(node -p "require('$pkg_json').version" 2>/dev/null)" = "$CODE_SERVER_VERSION" ] \
   && [ -x "$dest/node_modules/.bin/code-server" ]; then
  echo "e2e install: code-server $CODE_SERVER_VERSION already in $dest"
  exit 0
fi

echo "e2e install: code-server $CODE_SERVER_VERSION into $dest"
rm -rf "$dest"
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# @vscode/ripgrep's postinstall downloads rg from GitHub (unreachable here); a tarball
# of Debian's rg in its cache directory (under $TMPDIR) satisfies it.
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION" "$work/rg"
cp "$(command -v rg)" "$work/rg/rg"
tar -czf "$TMPDIR/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION/$RIPGREP_TARBALL" -C "$work/rg" rg

# A home of its own so npm and node-gyp leave the user's home alone.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache" XDG_DATA_HOME="$work/home/.local/share"
mkdir -p "$HOME"
export npm_config_cache="${DDAS_E2E_NPM_CACHE:-$HOME/.npm}"
export npm_config_unsafe_perm=true   # else: "Please pass --unsafe-perm"
export npm_config_yes=true           # node-pty's postinstall runs `npx node-gyp`
# node-gyp would download Node's headers from nodejs.org (unreachable here); the nodejs
# package ships them under /usr/include/node.
node_prefix="$(dirname "$(dirname "$(command -v node)")")"
if [ -f "$node_prefix/include/node/common.gypi" ]; then export npm_config_nodedir="$node_prefix"; fi
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

cat > "$dest/package.json" <<JSON
{ "name": "ddas-e2e-code-server", "private": true, "version": "0.0.0" }
JSON
( cd "$dest" && npm install --no-save --no-package-lock "code-server@$CODE_SERVER_VERSION" )

if [ ! -x "$dest/node_modules/.bin/code-server" ]; then
  echo "e2e install: code-server binary missing after install" >&2
  exit 1
fi
echo "e2e install: done ($(node -p "require('$pkg_json').version"))"
