#!/usr/bin/env python3
"""Size and load time of the HTML reports on big inputs.

Generates (once, cached beside --dir) three Jaeger UI JSON inputs: 10,000
traces of about 50 spans, one bushy trace of 100,000 spans, and one root with
99,999 sequential children (a section between every two); renders `analyze`
and `critical-path` as HTML for each; prints each page's size and the time
headless Chromium takes to load it and dump its DOM, as the difference from
loading an empty page in the same run (Chromium's own start-up), median of
REPEAT runs. Targets (issue: reports people look at): every page < 5 MB and
loaded in < 2 s.

  bench/html_bench.py [--binary build/cli/trace-analyze] [--dir /tmp/ta-html-bench]
                      [--repeat 3]
Exit 0 always (a benchmark reports; it does not gate), unless a command fails.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EPOCH = 1_700_000_000_000_000


def trace(rng, trace_no, spans):
    """A bushy trace of `spans` spans: each span has 1 to 6 children, partly sequential."""
    tid = "%032x" % (trace_no + 1)
    out, frontier, next_id = [], [], 1

    def span(parent, start, duration):
        nonlocal next_id
        sid = "%016x" % next_id
        next_id += 1
        refs = [] if parent is None else [
            {"refType": "CHILD_OF", "traceID": tid, "spanID": parent}]
        out.append({"traceID": tid, "spanID": sid, "operationName": "op%d" % rng.randint(0, 40),
                    "references": refs, "startTime": start, "duration": max(1, duration),
                    "tags": [], "logs": [], "processID": "p%d" % rng.randint(1, 8)})
        return sid, start, duration

    frontier.append(span(None, EPOCH + trace_no * 1_000_000, 500_000))
    head = 0  # breadth first: frontier[head:] still to expand
    while head < len(frontier) and len(out) < spans:
        sid, start, duration = frontier[head]
        head += 1
        n = rng.randint(1, 6)
        t = start + 1
        for _ in range(n):
            if len(out) >= spans:
                break
            d = rng.randint(1, max(1, duration // n))
            frontier.append(span(sid, t, d))
            t += d if rng.random() < 0.5 else 1
    processes = {"p%d" % i: {"serviceName": "svc%d" % i, "tags": []} for i in range(1, 9)}
    return {"traceID": tid, "spans": out, "processes": processes}


def wide(path, spans):
    """One root whose spans - 1 children ran one after another: its critical
    path has a section between every two children."""
    tid = "%032x" % 1
    out = [{"traceID": tid, "spanID": "%016x" % 1, "operationName": "root", "references": [],
            "startTime": EPOCH, "duration": 3 * spans, "tags": [], "logs": [],
            "processID": "p1"}]
    for i in range(1, spans):
        out.append({"traceID": tid, "spanID": "%016x" % (i + 1), "operationName": "op%d" % (i % 50),
                    "references": [{"refType": "CHILD_OF", "traceID": tid,
                                    "spanID": "%016x" % 1}],
                    "startTime": EPOCH + 3 * i, "duration": 2, "tags": [], "logs": [],
                    "processID": "p1"})
    with open(path, "w") as f:
        json.dump({"data": [{"traceID": tid, "spans": out,
                             "processes": {"p1": {"serviceName": "svc", "tags": []}}}]}, f,
                  separators=(",", ":"))


def generate(path, traces, spans_per_trace):
    rng = random.Random(7)
    with open(path, "w") as f:
        f.write('{"data":[')
        for i in range(traces):
            if i:
                f.write(",")
            f.write(json.dumps(trace(rng, i, spans_per_trace), separators=(",", ":")))
        f.write("]}\n")


def chromium_seconds(browser, page, repeat):
    profile = tempfile.mkdtemp()
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--user-data-dir=" + profile, "--dump-dom", "file://" + page]
    times = []
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                           timeout=120)
            times.append(time.perf_counter() - start)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(HERE, "..", "build", "cli", "trace-analyze"))
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "ta-html-bench"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("chromium not installed")
    os.makedirs(args.dir, exist_ok=True)
    inputs = {"10000 traces": (os.path.join(args.dir, "traces-10k.json"), 10_000, 50),
              "100000-span trace": (os.path.join(args.dir, "trace-100k.json"), 1, 100_000),
              "100000-span wide": (os.path.join(args.dir, "wide-100k.json"), 0, 100_000)}
    for path, traces, spans in inputs.values():
        if not os.path.exists(path):
            if traces == 0:
                wide(path, spans)
            else:
                generate(path, traces, spans)
    empty = os.path.join(args.dir, "empty.html")
    with open(empty, "w") as f:
        f.write("<!DOCTYPE html><html><body></body></html>\n")
    base = chromium_seconds(browser, empty, args.repeat)
    with open("/proc/cpuinfo") as f:
        cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    print("CPU: %s; Chromium start-up (empty page) %.2f s, subtracted below" % (cpu, base))
    print("%-20s %-14s %10s %10s  %s" % ("input", "command", "size MB", "load s", "targets"))
    sys.stdout.flush()
    for name, (path, _, _) in inputs.items():
        for command in ("analyze", "critical-path"):
            page = os.path.join(args.dir, "%s-%s.html" % (command, name.replace(" ", "-")))
            subprocess.run([args.binary, command, path, "--format", "html", "-o", page],
                           check=True, stdout=subprocess.DEVNULL)
            size = os.path.getsize(page) / 1e6
            load = max(0.0, chromium_seconds(browser, page, args.repeat) - base)
            ok = "ok" if size < 5 and load < 2 else "MISSED"
            print("%-20s %-14s %10.2f %10.2f  %s (< 5 MB, < 2 s)" % (name, command, size, load, ok))


if __name__ == "__main__":
    main()
