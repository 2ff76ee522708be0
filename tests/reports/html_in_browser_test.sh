#!/usr/bin/env bash
# Opens a generated HTML report in headless Chromium: it must render (the
# DOM has the report's SVGs), log no console message, and make no network
# request. Chromium's verbose log shows both: ":CONSOLE" lines and one
# "NotifyBeforeURLRequest: URL" per request (Chromium's own requests to
# Google's update/account hosts are ignored; every host resolves to nothing).
# Saves a screenshot for review: $BUILD/html-report.png.
# Usage: html_in_browser_test.sh TRACE_ANALYZE FIXTURES_DIR OUT_DIR
set -euo pipefail
tool="$1" fixtures="$2" out="$3"
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
dom=$(timeout 60 "$browser" "${flags[@]}" --dump-dom "file://$report" 2>"$out/browser.log")
timeout 60 "$browser" "${flags[@]}" --window-size=1280,2400 \
  --screenshot="$out/html-report.png" "file://$report" 2>>"$out/browser.log" >/dev/null
if ! grep -q "<svg" <<<"$dom" || ! grep -q "Findings" <<<"$dom"; then
  echo "FAIL: the report did not render (no <svg> or Findings in the DOM)"
  exit 1
fi
if grep -E ":CONSOLE|NotifyBeforeURLRequest: [a-z]+://" "$out/browser.log" \
    | grep -v -E "NotifyBeforeURLRequest: https?://[a-z0-9.]*(google\.com|googleapis\.com|gstatic\.com|gvt1\.com)/"; then
  echo "FAIL: console errors or network requests (above); full log: $out/browser.log"
  exit 1
fi
[[ -s "$out/html-report.png" ]] || { echo "FAIL: no screenshot"; exit 1; }
echo "ok: rendered, no console errors, no network requests; screenshot $out/html-report.png"
