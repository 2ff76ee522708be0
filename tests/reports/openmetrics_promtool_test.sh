#!/usr/bin/env bash
# Every OpenMetrics golden report (tests/golden/*.openmetrics) passes
# Prometheus' own linter, `promtool check metrics` (Debian package
# `prometheus`, installed by scripts/setup.sh): the Pushgateway and Prometheus
# read what `--format openmetrics` writes.
# Usage: openmetrics_promtool_test.sh GOLDEN_DIR
set -u
golden="$1"
if ! command -v promtool >/dev/null; then
  echo "FAIL: promtool not found (scripts/setup.sh installs the Debian package prometheus)"
  exit 1
fi
fails=0
files=0
for f in "$golden"/*.openmetrics; do
  [[ -e "$f" ]] || continue
  files=$((files + 1))
  if out="$(promtool check metrics <"$f" 2>&1)"; then
    echo "ok: $(basename "$f")"
  else
    echo "FAIL: $(basename "$f"): $out"
    fails=$((fails + 1))
  fi
done
if ((files == 0)); then
  echo "FAIL: no OpenMetrics golden files in $golden"
  exit 1
fi
exit $((fails > 0))
