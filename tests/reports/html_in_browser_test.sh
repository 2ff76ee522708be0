#!/usr/bin/env bash
# Opens HTML reports in headless Chromium: each must render (the DOM has the
# report's SVGs), log no console message, and make no network request.
# Chromium's verbose log shows both: ":CONSOLE" lines and one
# "NotifyBeforeURLRequest: URL" per request (Chromium's own requests to
# Google's update/account hosts are ignored; every host resolves to nothing).
# The pages: a report generated from FIXTURES_DIR, and any EXTRA_HTML given
# (the Jaeger golden, whose trace ids link to the Jaeger UI: links must not
# load anything). Saves a screenshot of each for review: OUT_DIR/*.png.
# Usage: html_in_browser_test.sh TRACE_ANALYZE FIXTURES_DIR OUT_DIR [EXTRA_HTML...]
set -euo pipefail
tool="$1" fixtures="$2" out="$3"
shift 3
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
  echo "chromium not installed: skipped"
  exit 77
fi
mkdir -p "$out"
report="$out/html-report.html"
"$tool" analyze "$fixtures" --format html -o "$report"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$profile" --host-resolver-rules="MAP * ~NOTFOUND"
  --enable-logging=stderr --v=1)

# check_page HTML NAME: renders, no console output, no request; NAME.png.
check_page() {
  local page="$1" name="$2" dom
  dom=$(timeout 60 "$browser" "${flags[@]}" --dump-dom "file://$page" 2>"$out/$name.log")
  timeout 60 "$browser" "${flags[@]}" --window-size=1280,2400 \
    --screenshot="$out/$name.png" "file://$page" 2>>"$out/$name.log" >/dev/null
  if ! grep -q "<svg" <<<"$dom" || ! grep -q "Findings" <<<"$dom"; then
    echo "FAIL: $page did not render (no <svg> or Findings in the DOM)"
    exit 1
  fi
  if grep -E ":CONSOLE|NotifyBeforeURLRequest: [a-z]+://" "$out/$name.log" \
      | grep -v -E "NotifyBeforeURLRequest: https?://[a-z0-9.]*(google\.com|googleapis\.com|gstatic\.com|gvt1\.com)/"; then
    echo "FAIL: $page: console errors or network requests (above); full log: $out/$name.log"
    exit 1
  fi
  [[ -s "$out/$name.png" ]] || { echo "FAIL: no screenshot of $page"; exit 1; }
  echo "ok: $page rendered, no console errors, no network requests; screenshot $out/$name.png"
}

check_page "$report" html-report
for extra in "$@"; do
  check_page "$(realpath "$extra")" "$(basename "$extra" .html)"
done
