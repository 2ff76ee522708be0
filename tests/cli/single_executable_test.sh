#!/usr/bin/env bash
# trace-analyze is one executable: it links no library of this project, and a
# copy of that file alone reads files and fetches from a Jaeger server (a
# static file server answering GET /api/traces/ID, enough for --trace-id over
# HTTP /api/*). Exit 77 (skipped) when python3 cannot serve on loopback.
# Usage: single_executable_test.sh TRACE_ANALYZE_BINARY FIXTURES_DIR
set -u
bin="$1"
fixtures="$2"
fails=0
check() {  # check DESCRIPTION CONDITION...
  local what="$1"
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fails=$((fails + 1)); fi
}
tmp="$(mktemp -d)"
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# No shared object of ours: every NEEDED entry is a system library.
needed="$(readelf -d "$bin" | grep NEEDED)"
check "the executable needs no project library" \
  bash -c "! grep -Eq 'trace-analyze|trace_analyze|libta_' <<<\"\$0\"" "$needed"

mkdir "$tmp/alone"
cp "$bin" "$tmp/alone/trace-analyze"
"$tmp/alone/trace-analyze" analyze "$fixtures/traces" >"$tmp/out" 2>&1
code=$?
check "a copy alone reads files: exit 0 (got $code)" test "$code" -eq 0

id=00202d6c6c17bfe5
mkdir -p "$tmp/www/api/traces"
cp "$fixtures/traces/dsb-hotelreservation_single_$id.json" "$tmp/www/api/traces/$id"
port=$((20000 + RANDOM % 20000))
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$tmp/www" >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  sleep 0.1
done
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "skip: no HTTP server on loopback"
  exit 77
fi
"$tmp/alone/trace-analyze" critical-path --jaeger "http://127.0.0.1:$port" --api http \
  --trace-id "$id" --format json >"$tmp/jaeger.json" 2>"$tmp/err"
code=$?
check "a copy alone fetches with --jaeger: exit 0 (got $code)" test "$code" -eq 0
"$tmp/alone/trace-analyze" critical-path "$fixtures/traces/dsb-hotelreservation_single_$id.json" \
  --format json >"$tmp/file.json" 2>&1
same_report() {  # equal apart from the "input" block (files vs server)
  python3 - "$tmp/jaeger.json" "$tmp/file.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
a.pop("input"); b.pop("input")
sys.exit(0 if a == b and a["traces"] else 1)
PY
}
check "the fetched trace gives the file's report" same_report
[ "$fails" -eq 0 ] || { cat "$tmp/err"; exit 1; }
