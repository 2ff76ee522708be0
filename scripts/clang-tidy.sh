#!/usr/bin/env bash
# Runs clang-tidy (the checks in .clang-tidy) over the project's own
# translation units in BUILD_DIR/compile_commands.json: analyzer, formats,
# input, jaeger_client, reports, cli, tests, bench and fuzz; never the generated
# protobuf code. Fails (exit 1) on any finding; prints the findings and the time.
#
#   scripts/clang-tidy.sh [BUILD_DIR]     BUILD_DIR: default $BUILD_DIR or build
#   scripts/clang-tidy.sh build cli/      only files whose path matches a regex
#
# Environment: JOBS (default: 2) clang-tidy processes in parallel.
set -euo pipefail

cd "$(dirname "$0")/.."
build_dir="${1:-${BUILD_DIR:-build}}"
shift || true
jobs="${JOBS:-2}"

if [[ ! -f "$build_dir/compile_commands.json" ]]; then
  echo "clang-tidy: no $build_dir/compile_commands.json: configure first (scripts/setup.sh build)" >&2
  exit 2
fi
for tool in clang-tidy run-clang-tidy; do
  if ! command -v "$tool" >/dev/null; then
    echo "clang-tidy: $tool not found (Debian package clang-tidy)" >&2
    exit 2
  fi
done

# Sources include the generated protobuf headers: make sure they exist.
cmake --build "$build_dir" --target ta_jaeger_proto >/dev/null

# The files to check: the project's own sources in the compile commands
# (not the generated protobuf code under the build folder), narrowed to the
# paths matching any extra argument (a regex on the path from the source root).
mapfile -t files < <(python3 - "$build_dir" "$@" <<'PY'
import json, os, re, sys
build, patterns = sys.argv[1], sys.argv[2:]
folders = ("analyzer", "bench", "cli", "formats", "fuzz", "input", "jaeger_client", "partial", "reports",
           "tests")
with open(os.path.join(build, "CMakeCache.txt")) as cache:
    src = next(l.split("=", 1)[1].strip() for l in cache if l.startswith("CMAKE_HOME_DIRECTORY:"))
with open(os.path.join(build, "compile_commands.json")) as db:
    paths = {os.path.normpath(os.path.join(e["directory"], e["file"])) for e in json.load(db)}
for path in sorted(paths):
    rel = os.path.relpath(path, src)
    if rel.split(os.sep)[0] in folders and (not patterns or any(re.search(p, rel) for p in patterns)):
        print(path)
PY
)
if ((${#files[@]} == 0)); then
  echo "clang-tidy: no source file in $build_dir/compile_commands.json matches" >&2
  exit 2
fi
# run-clang-tidy takes regexes: match exactly these paths.
files_re="^($(printf '%s\n' "${files[@]}" | sed 's/[][\.*^$+?(){}|]/\\&/g' | paste -sd '|'))\$"

# The compile commands are GCC's: clang must not stop at GCC-only warning
# flags, and -Werror must not turn clang's own warnings (not ours to check
# here) into errors. Findings are errors anyway (WarningsAsErrors in .clang-tidy).
# run-clang-tidy echoes every command, clang counts its suppressed warnings
# and colours are forced on: only the findings are kept, in plain text.
start=$SECONDS
set +e
run-clang-tidy -quiet -j "$jobs" -p "$build_dir" \
  -extra-arg=-Wno-unknown-warning-option -extra-arg=-Wno-error "$files_re" 2>&1 |
  sed 's/\x1b\[[0-9;]*m//g' |
  grep -Ev '^(clang-tidy(-[0-9]+)? |[0-9]+ warnings?( and [0-9]+ errors?)? generated\.$)'
status=${PIPESTATUS[0]}
set -e
elapsed=$((SECONDS - start))

if ((status != 0)); then
  printf '\n' >&2  # the last finding may lack its newline
  echo "clang-tidy: findings above (${#files[@]} files, $jobs jobs, ${elapsed} s); fix them (a NOLINT needs a reason)" >&2
  exit 1
fi
echo "clang-tidy: ${#files[@]} files clean ($jobs jobs, ${elapsed} s)"
