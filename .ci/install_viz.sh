#!/usr/bin/env bash
# Install what the dashboard and its browser test need, offline-friendly and idempotent:
#   1. Debian's chromium (the browser the test drives through Playwright; no browser download),
#      installed with apt only when /usr/bin/chromium is missing (needs root or sudo);
#   2. Solara's front-end assets, unpacked from the npm registry into Solara's CDN cache
#      (python -m bargaining_chips.viz.install_assets; a no-op when the cache is already complete).
# Usage: .ci/install_viz.sh [PYTHON]   (default: python3 on the PATH; use the project's venv)
#        .ci/install_viz.sh --browser-only   (step 1 alone)
set -euo pipefail
PYTHON="${1:-python3}"
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi
/usr/bin/chromium --headless --no-sandbox --disable-gpu --version >/dev/null 2>&1 \
    || { echo "chromium does not start" >&2; exit 1; }

if [ "$PYTHON" = "--browser-only" ]; then exit 0; fi

export SOLARA_TELEMETRY_MIXPANEL_ENABLE=False
"$PYTHON" -m bargaining_chips.viz.install_assets
