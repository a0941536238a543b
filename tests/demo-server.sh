# Sourced by the browser and fuzz tests: starts the debug server with the demo
# world on a free loopback port and a fresh data directory, stops it on exit,
# and sets $url once it listens.
data=$(mktemp -d)
log="$data/server.log"
./target/debug/zhiku serve --demo --bind 127.0.0.1:0 --data-dir "$data" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 600); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -n1 || true)
  [ -n "$url" ] && break
  kill -0 $server 2>/dev/null || { cat "$log"; echo "server exited"; exit 1; }
  sleep 0.1
done
[ -n "${url:-}" ] || { cat "$log"; echo "server did not start"; exit 1; }
