#!/usr/bin/env bash
# Sets up trace-analyze on Debian 12 and builds it. Idempotent: installs only
# missing packages (apt-get), reuses the build folder, safe to re-run.
#
#   scripts/setup.sh demo   install, build, run `trace-analyze analyze` on fixtures/
#   scripts/setup.sh test   install, build, run the format check, the whole test suite and
#                           clang-tidy (scripts/clang-tidy.sh), then build again with
#                           ASan+UBSan (build-asan/) and run the suite there too
#                           (docs/reliability.md)
#   scripts/setup.sh build  install and build only
#
# Environment: BUILD_DIR (default: build), ASAN_BUILD_DIR (default: build-asan),
# JOBS (default: 2), SANITIZE (default: 1; 0 skips the sanitizer build in `test`),
# TIDY (default: 1; 0 skips clang-tidy in `test`).
set -euo pipefail

cd "$(dirname "$0")/.."
mode="${1:-build}"
build_dir="${BUILD_DIR:-build}"
jobs="${JOBS:-2}"

# Every Debian package the build, the tests and the benchmarks need.
packages=(
  g++ cmake ninja-build pkg-config git python3
  libsimdjson-dev nlohmann-json3-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev zlib1g-dev libzstd-dev zstd
  libabsl-dev  # Abseil's flat hash maps (the detectors' tables)
  clang-format chromium
  clang-tidy  # scripts/clang-tidy.sh (clang-tidy 14 and run-clang-tidy)
  prometheus  # promtool, which checks the --format openmetrics reports in the tests
  # Jaeger query clients: HTTP (libcurl), gRPC + protobuf code generation,
  # and cpp-httplib for the tests' in-process HTTP(S) server; OpenSSL for the
  # test certificates made at test time.
  libcurl4-openssl-dev libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  libcpp-httplib-dev libssl-dev
  nghttp2-server  # nghttpd: an HTTP/2-only TLS server, to test that HTTP/2 is negotiated
  clang libclang-rt-14-dev  # libFuzzer for scripts/fuzz.sh (clang-14's compiler-rt)
  python3-distributed  # Dask: distributed/trace-analyze-dask and its tests (tests/distributed/)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: run as root (or with sudo) to install packages" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

start=$SECONDS
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTA_WERROR=ON >/dev/null
cmake --build "$build_dir" -j "$jobs"
echo "setup: release build took $((SECONDS - start)) s"

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer: -O1 with
# line tables (fast to build, readable reports), asserts on, leaks checked, and
# any UB report aborts the test (-fno-sanitize-recover, CMakeLists.txt).
sanitizer_suite() {
  local dir="${ASAN_BUILD_DIR:-build-asan}"
  local t0=$SECONDS
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DTA_SANITIZE=ON -DTA_WERROR=ON \
    -DTA_BUILD_BENCH=OFF >/dev/null
  cmake --build "$dir" -j "$jobs"
  echo "setup: sanitizer build took $((SECONDS - t0)) s"
  t0=$SECONDS
  ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:${ASAN_OPTIONS:-}" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}" \
    ctest --test-dir "$dir" --output-on-failure -j "$jobs"
  echo "setup: sanitizer tests took $((SECONDS - t0)) s"
}

case "$mode" in
  demo)
    "$build_dir/cli/trace-analyze" analyze fixtures/traces/
    ;;
  test)
    scripts/check-format.sh
    start=$SECONDS
    ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"
    echo "setup: release tests took $((SECONDS - start)) s"
    if [[ "${TIDY:-1}" != 0 ]]; then
      JOBS="$jobs" scripts/clang-tidy.sh "$build_dir"
    fi
    if [[ "${SANITIZE:-1}" != 0 ]]; then
      sanitizer_suite
    fi
    ;;
  build) ;;
  *)
    echo "usage: scripts/setup.sh demo|test|build" >&2
    exit 2
    ;;
esac
