#!/usr/bin/env bash
# Browser end-to-end tests: start the debug server with the demo world on a
# free loopback port and a fresh data directory, run the Playwright scenarios
# in Debian's Chromium, stop the server. Screenshots of failures go to
# test-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/demo-server.sh
echo "e2e against $url"
cd frontend
ZHIKU_E2E_URL="$url" npm run e2e
