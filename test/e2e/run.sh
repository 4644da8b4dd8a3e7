#!/usr/bin/env bash
# End-to-end tests in a real VS Code (code-server) driven by Playwright + Debian chromium:
# installs what they need (idempotent), builds the extension, runs the extension-host
# suite and the UI scenarios in one mocha run, prints a summary, exits non-zero on failure.
#   bash test/e2e/run.sh                      # everything
#   bash test/e2e/run.sh --grep catalog       # extra mocha arguments
#   DDAS_E2E_QUICK=1 bash test/e2e/run.sh     # scenario (a) with the real Quick preset
#   DDAS_E2E_KEEP=1 ...                       # keep the temp dirs (code-server logs, workspaces)
#   DDAS_E2E_SKIP_BUILD=1 ...                 # the caller already ran `npm run build`
# Screenshots: test/e2e/out/.
set -uo pipefail
cd "$(dirname "$0")/../.."
t0=$(date +%s)
step() { printf '\n== e2e: %s (%ss)\n' "$1" "$(( $(date +%s) - t0 ))"; }

step "install code-server and browser"
if ! bash test/e2e/install-code-server.sh; then echo "e2e: FAILED to install code-server" >&2; exit 1; fi

if [ "${DDAS_E2E_SKIP_BUILD:-0}" != 1 ]; then
  step "build"
  log="$(mktemp)"
  if ! npm run build --silent >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; echo "e2e: FAILED to build" >&2; exit 1; fi
  rm -f "$log"
  export DDAS_E2E_SKIP_BUILD=1  # vsix.e2e.ts packages these bundles without rebuilding
fi

step "host tests and UI scenarios"
rm -rf test/e2e/out
files=(test/e2e/host.e2e.ts test/e2e/host-untrusted.e2e.ts test/e2e/ui.e2e.ts test/e2e/editing.e2e.ts test/e2e/search.e2e.ts test/e2e/vsix.e2e.ts)
timeout --signal=TERM 900 node_modules/.bin/mocha --exit --timeout 600000 "${files[@]}" "$@"
rc=$?

shots=$(find test/e2e/out -name '*.png' 2>/dev/null | sort)
printf '\n== e2e summary: %s in %ss\n' "$([ $rc = 0 ] && echo PASSED || echo "FAILED (exit $rc)")" "$(( $(date +%s) - t0 ))"
[ -n "$shots" ] && printf 'screenshots:\n%s\n' "$(echo "$shots" | sed 's/^/  /')"
exit $rc
