#!/usr/bin/env bash
# Opens HTML reports (analyze, diff, critical-path, and a Jaeger one) in headless Chromium:
# each must render (the DOM has the report's SVGs and its key heading), log no console
# message, and make no network request. Chromium's verbose log shows both:
# ":CONSOLE" lines and one "NotifyBeforeURLRequest: URL" per request
# (Chromium's own requests to Google's update/account hosts are ignored; every
# host resolves to nothing). Saves a screenshot of each for review:
# OUT_DIR/<name>.png.
# Usage: html_in_browser_test.sh TRACE_ANALYZE FIXTURES_DIR OUT_DIR JAEGER_HTML
#   FIXTURES_DIR: the project's fixtures/ (traces/ and diff/ are used).
#   JAEGER_HTML: a report read from a Jaeger server (the partial golden): its
#   warning box must show, and its trace ids link to the Jaeger UI, which must
#   not make the page load anything.
set -euo pipefail
tool="$1" fixtures="$2" out="$3" jaeger_html="$4"
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
  echo "chromium not installed: skipped"
  exit 77
fi
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$profile" --host-resolver-rules="MAP * ~NOTFOUND"
  --enable-logging=stderr --v=1)

# check NAME MARKER: opens OUT_DIR/NAME.html; MARKER must be in the DOM.
check() {
  local name="$1" marker="$2" report="$out/$1.html" log="$out/$1.browser.log"
  local dom
  dom=$(timeout 60 "$browser" "${flags[@]}" --dump-dom "file://$report" 2>"$log")
  timeout 60 "$browser" "${flags[@]}" --window-size=1280,2400 \
    --screenshot="$out/$name.png" "file://$report" 2>>"$log" >/dev/null
  if ! grep -q "<svg" <<<"$dom" || ! grep -q "$marker" <<<"$dom"; then
    echo "FAIL: $name did not render (no <svg> or '$marker' in the DOM)"
    exit 1
  fi
  if grep -E ":CONSOLE|NotifyBeforeURLRequest: [a-z]+://" "$log" \
      | grep -v -E "NotifyBeforeURLRequest: https?://[a-z0-9.]*(google\.com|googleapis\.com|gstatic\.com|gvt1\.com)/"; then
    echo "FAIL: $name: console errors or network requests (above); full log: $log"
    exit 1
  fi
  [[ -s "$out/$name.png" ]] || { echo "FAIL: $name: no screenshot"; exit 1; }
  echo "ok: $name rendered, no console errors, no network requests; screenshot $out/$name.png"
}

"$tool" analyze "$fixtures/traces" --format html -o "$out/analyze.html"
check analyze "Findings"
# Each finding has its example waterfall and the re-timed twin.
dom=$(timeout 60 "$browser" "${flags[@]}" --dump-dom "file://$out/analyze.html" 2>/dev/null)
findings=$(grep -oE 'class="tag">(sequential|n_plus_one|repeated_call)' <<<"$dom" | wc -l)
asis=$(grep -o 'class="example-asis"' <<<"$dom" | wc -l)
retimed=$(grep -o 'class="example-retimed"' <<<"$dom" | wc -l)
if [[ "$findings" -eq 0 || "$asis" -ne "$findings" || "$retimed" -ne "$findings" ]]; then
  echo "FAIL: analyze: $findings findings, $asis example and $retimed re-timed waterfalls"
  exit 1
fi
echo "ok: analyze: each of the $findings findings has its example and re-timed twin"
# A diff whose target fails (exit 1) still writes its report.
"$tool" diff -b "$fixtures/diff/baseline.json" -c "$fixtures/diff/candidate.json" \
  --target 'p95_latency_reduction>=90%' --format html -o "$out/diff.html" || [[ $? -eq 1 ]]
check diff "critical-path time by service"
# verify: the verified pattern is drawn on both sides, one above the other.
"$tool" verify -b "$fixtures/diff/baseline.json" -c "$fixtures/diff/candidate.json" \
  --expect "frontend:POST /checkout>cart:GetCart,pricing:Quote,inventory:Reserve" \
  --format html -o "$out/verify.html"
check verify "verify-pair"
pairs=$(grep -o 'class="verify-pair"' "$out/verify.html" | wc -l)
pictures=$(grep -o 'class="example-asis"' "$out/verify.html" | wc -l)
if [[ "$pairs" -ne 1 || "$pictures" -ne 2 ]]; then
  echo "FAIL: verify: $pairs pattern pictures with $pictures waterfalls (want 1 with 2)"
  exit 1
fi
echo "ok: verify: the pattern's baseline and candidate instances drawn"
# critical-path: a timeline of every span (11 in this trace), each span with
# children foldable (a <details> element).
"$tool" critical-path "$fixtures/traces/dsb-hotelreservation_single_00202d6c6c17bfe5.json" \
  --format html -o "$out/critical-path.html"
check critical-path 'class="tl"'
rows=$(timeout 60 "$browser" "${flags[@]}" --dump-dom "file://$out/critical-path.html" \
  2>/dev/null | grep -o 'class="tl-row"' | wc -l)
folds=$(grep -o '<details open>' "$out/critical-path.html" | wc -l)
if [[ "$rows" -ne 11 || "$folds" -ne 7 ]]; then
  echo "FAIL: critical-path timeline has $rows rows (want 11) and $folds folds (want 7)"
  exit 1
fi
echo "ok: critical-path timeline: 11 span rows, 7 foldable subtrees"
# Real corpus data (fixtures/findings: the OnlineBoutique sample before and
# after a network delay): the analyze page draws every finding, the diff
# page its latency and critical-path shift. The screenshots are the ones in
# docs/images.
ob="$fixtures/findings/onlineboutique_faultfree_120traces.json.zst"
ob_delay="$fixtures/findings/onlineboutique_productcatalog-delay_120traces.json.zst"
"$tool" analyze "$ob" --top 0 --format html -o "$out/analyze-onlineboutique.html"
check analyze-onlineboutique "Findings"
findings=$(grep -oE 'class="tag">(sequential|n_plus_one|repeated_call)' \
  "$out/analyze-onlineboutique.html" | wc -l)
pictures=$(grep -o 'class="example-retimed"' "$out/analyze-onlineboutique.html" | wc -l)
if [[ "$findings" -eq 0 || "$pictures" -ne "$findings" ]]; then
  echo "FAIL: analyze-onlineboutique: $findings findings, $pictures re-timed pictures"
  exit 1
fi
echo "ok: analyze-onlineboutique: each of the $findings findings drawn, as it ran and re-timed"
"$tool" diff -b "$ob" -c "$ob_delay" --format html -o "$out/diff-onlineboutique.html"
check diff-onlineboutique "critical-path time by service"
# Trace ids are links to the Jaeger UI: opening the page loads none of them.
cp "$jaeger_html" "$out/jaeger-partial.html"
check jaeger-partial "Partial results"
