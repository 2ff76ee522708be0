#!/usr/bin/env bash
# The Jaeger clients live in libtrace-analyze-net.so, loaded by the executable
# only for a --jaeger call (jaeger_client/network_api.h). Checks, on the real
# binary: it does not link gRPC, protobuf or libcurl; a --jaeger call loads the
# library (the error is then curl's); without the library, file input still
# works, a --jaeger call fails with exit 3 and a message naming it, and a
# --jaeger usage error is still told as one (exit 2).
# Usage: network_library_test.sh TRACE_ANALYZE_BINARY FIXTURES_DIR
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
trap 'rm -rf "$tmp"' EXIT

# Abseil is allowed: the analyzer's hash containers use it (which of its
# libraries get linked depends on the build type).
needed="$(readelf -d "$bin" | grep NEEDED)"
check "the executable links no network library" \
  bash -c "! grep -Eiq 'grpc|protobuf|curl|ssl' <<<\"\$0\"" "$needed"

# Port 1 on loopback refuses connections: the call fails inside libcurl.
"$bin" analyze --jaeger http://127.0.0.1:1 --service x >/dev/null 2>"$tmp/err"
code=$?
check "--jaeger with the library: exit 3 (got $code)" test "$code" -eq 3
check "--jaeger with the library: the error is the connection's" \
  grep -q "connection failed" "$tmp/err"

mkdir "$tmp/alone"
cp "$bin" "$tmp/alone/trace-analyze"
"$tmp/alone/trace-analyze" analyze "$fixtures/traces" >"$tmp/out" 2>&1
code=$?
check "file input without the library: exit 0 (got $code)" test "$code" -eq 0
"$tmp/alone/trace-analyze" analyze --jaeger http://127.0.0.1:1 --service x >/dev/null 2>"$tmp/err"
code=$?
check "--jaeger without the library: exit 3 (got $code)" test "$code" -eq 3
check "--jaeger without the library: the message names it" \
  grep -q "libtrace-analyze-net.so) could not be loaded" "$tmp/err"
"$tmp/alone/trace-analyze" analyze --jaeger http://127.0.0.1:1 --api grpc-v2 --service x \
  >/dev/null 2>"$tmp/err"
code=$?
check "a usage error without the library: still exit 2 (got $code)" test "$code" -eq 2
check "a usage error without the library: its own message" grep -q "does not go with" "$tmp/err"
[ "$fails" -eq 0 ] || { cat "$tmp/err"; exit 1; }
