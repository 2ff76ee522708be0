#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and fuzzes each for a
# while, one process each (-j1 friendly). See docs/reliability.md.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Targets: jaeger_json otlp_json zipkin_json api_v2_proto api_v3_proto config
# pipeline partial (default: all).
# The committed seeds in fuzz/corpus/<target>/ are read, never written: new
# inputs go to build-fuzz/corpus/<target>/ and crashes to
# build-fuzz/artifacts/<target>/. A crash is fixed in the code and its input
# committed to fuzz/crashers/<target>/, which ctest replays from then on.
# Environment: BUILD_DIR (default build-fuzz), JOBS (build, default 2),
# RSS_LIMIT_MB (default 2048), MAX_LEN (default 65536).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(jaeger_json otlp_json zipkin_json api_v2_proto api_v3_proto config pipeline partial)
fi
build_dir="${BUILD_DIR:-build-fuzz}"
jobs="${JOBS:-2}"

CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DTA_BUILD_FUZZ=ON -DTA_BUILD_TESTS=OFF \
  -DTA_BUILD_BENCH=OFF >/dev/null
cmake --build "$build_dir" -j "$jobs" --target "${targets[@]/%/_fuzzer}"

export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
status=0
for t in "${targets[@]}"; do
  dict=(-dict=fuzz/dicts/trace_json.dict)
  [[ "$t" == config ]] && dict=(-dict=fuzz/dicts/config.dict)
  [[ "$t" == *_proto ]] && dict=()  # binary input: a JSON dictionary would not help
  mkdir -p "$build_dir/corpus/$t" "$build_dir/artifacts/$t"
  echo "fuzz: $t for ${seconds}s"
  if ! "$build_dir/fuzz/${t}_fuzzer" "$build_dir/corpus/$t" "fuzz/corpus/$t" "fuzz/crashers/$t" \
    "${dict[@]}" -max_total_time="$seconds" -rss_limit_mb="${RSS_LIMIT_MB:-2048}" \
    -max_len="${MAX_LEN:-65536}" -timeout=25 -print_final_stats=1 \
    -artifact_prefix="$build_dir/artifacts/$t/" 2>"$build_dir/artifacts/$t.log"; then
    echo "fuzz: $t FAILED: see $build_dir/artifacts/$t.log and $build_dir/artifacts/$t/" >&2
    status=1
  fi
  grep -E "^stat::|Done [0-9]+ runs|cov: [0-9]+" "$build_dir/artifacts/$t.log" | tail -12
done
exit "$status"
