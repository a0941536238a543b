#!/usr/bin/env bash
# Bad input at scale: start the debug server with the demo world on a free
# loopback port and a fresh data directory, sign in as a plain employee and
# as an admin, and let schemathesis fuzz every operation of
# /api/openapi.json once per token with every check on (no 5xx, statuses,
# content types, headers and bodies as documented, invalid input rejected,
# valid input accepted, 401 without the token, 405 with `Allow` for other
# methods), after checking that the document is valid OpenAPI 3.1
# (openapi-spec-validator). Deterministic and bounded: derandomised generation, a few
# examples per operation and a time budget per run. Requests go to the
# loopback server only: its URL is the base, no proxy, no redirects.
# Reports of failures go to test-artifacts/schemathesis/.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
# Per run (employee, then admin): examples per operation and seconds.
MAX_EXAMPLES=${ZHIKU_FUZZ_EXAMPLES:-5}
MAX_TIME=${ZHIKU_FUZZ_SECONDS:-60}

if [ "$(schemathesis --version 2>/dev/null)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
  python3 -m pip install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi

. tests/demo-server.sh
case "$url" in http://127.0.0.1:*) ;; *) echo "refusing to fuzz $url: loopback only"; exit 1 ;; esac

# The demo accounts share one password (src/demo/mod.rs).
token() {
  curl -sf -X POST -H 'Content-Type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"zhiku2026\"}" "$url/api/v1/auth/login" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}
employee=$(token E001)
admin=$(token ADMIN)

export NO_PROXY='*' no_proxy='*'
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy
reports=test-artifacts/schemathesis
rm -rf "$reports"
status=0
# The document itself must be valid OpenAPI 3.1 before anything is fuzzed against it.
python3 -c 'import openapi_spec_validator' 2>/dev/null || python3 -m pip install --quiet "openapi-spec-validator==0.7.2"
mkdir -p "$reports"
curl -sf "$url/api/openapi.json" -o "$reports/openapi.json"
python3 -m openapi_spec_validator --schema 3.1 "$reports/openapi.json"
for who in employee admin; do
  echo "schemathesis $SCHEMATHESIS_VERSION against $url as $who"
  # Excluded: POST /auth/logout ends the very session under test, so every
  # later request would be a 401 (logout itself is covered by tests/api/auth.rs).
  schemathesis --config-file tests/schemathesis.toml run "$url/api/openapi.json" \
    --url "$url" \
    -H "Authorization: Bearer ${!who}" \
    --checks all \
    --max-examples "$MAX_EXAMPLES" \
    --max-time "$MAX_TIME" \
    --generation-deterministic \
    --no-shrink \
    --max-redirects 0 \
    --request-timeout 30 \
    --workers 1 \
    --exclude-path /api/v1/auth/logout \
    --no-color \
    --report junit --report-dir "$reports/$who" \
    || status=$?
done
exit $status
