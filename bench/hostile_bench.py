#!/usr/bin/env python3
"""Scaling of the bottleneck detectors on hostile single traces.

Generates, at two sizes N and N/4, one Jaeger UI trace of each shape:
  wide:  a root with N children that ran one after another, cycling through
         1,000 operation names and recording no parameters (RPC spans): one
         parent, one very long chain, a thousand loops of the same call;
  deep:  N spans in a bushy tree (each span has 0 to 8 children, siblings
         partly sequential, partly concurrent), a million-span batch job;
then times `trace-analyze analyze` with and without the detectors
(--no-findings), REPEAT times each, and prints the median wall time, the
detectors' cost (with / without) and the growth from N/4 to N, which stays
near 4 when the work is linear.

  bench/hostile_bench.py [--binary build/cli/trace-analyze] [--spans 1000000] [--repeat 3]
Exit 0 always (a benchmark reports; it does not gate), unless a command fails.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EPOCH = 1_700_000_000_000_000


def span(span_id, parent, op, start, duration, process="p1"):
    refs = [] if parent is None else [
        {"refType": "CHILD_OF", "traceID": "00000000000000aa", "spanID": "%016x" % parent}]
    return {"traceID": "00000000000000aa", "spanID": "%016x" % span_id, "operationName": op,
            "references": refs, "startTime": start, "duration": duration, "tags": [],
            "logs": [], "processID": process}


def write_trace(path, spans, services=1):
    processes = {"p%d" % (k + 1): {"serviceName": "svc-%d" % k, "tags": []}
                 for k in range(services)}
    with open(path, "w") as f:
        json.dump({"data": [{"traceID": "00000000000000aa", "spans": spans,
                             "processes": processes}]}, f, separators=(",", ":"))


def wide(path, n):
    spans = [span(1, None, "root", EPOCH, n * 200 + 100)]
    t = EPOCH + 10
    for i in range(n):
        spans.append(span(i + 2, 1, "op-%d" % (i % 1000), t, 150))
        t += 200
    write_trace(path, spans)


def deep(path, n, seed=1):
    rng = random.Random(seed)
    spans = [span(1, None, "job", EPOCH, 10 ** 12, "p1")]
    frontier = [(1, EPOCH, 10 ** 12)]  # (id, start, duration) of spans that may get children
    next_id = 2
    while next_id <= n and frontier:
        parent, start, duration = frontier.pop(0)
        children = rng.randint(0, 8) if next_id > 2 else 8
        t = start + 1
        step = max(1, duration // (children + 1))
        for _ in range(children):
            if next_id > n:
                break
            d = max(1, step - rng.randint(0, step // 4 + 1))
            concurrent = rng.random() < 0.3
            s = start + 1 if concurrent else t
            spans.append(span(next_id, parent, "op-%d" % rng.randint(0, 200), s, d,
                              "p%d" % rng.randint(1, 8)))
            frontier.append((next_id, s, d))
            next_id += 1
            t = s + d + 1
        if not frontier and next_id <= n:
            frontier.append((1, EPOCH, 10 ** 12))
    write_trace(path, spans, services=8)


def median_wall(cmd, repeat):
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        walls.append(time.perf_counter() - start)
        if proc.returncode != 0:
            sys.exit("benchmark command failed: %s\n%s" % (" ".join(cmd), proc.stderr.decode()))
    return statistics.median(walls)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(HERE, "..", "build", "cli", "trace-analyze"))
    ap.add_argument("--spans", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    folder = tempfile.mkdtemp(prefix="ta-hostile-")
    print("%-6s %9s %12s %12s %8s" % ("shape", "spans", "analyze s", "--no-findings", "cost"))
    for name, make in (("wide", wide), ("deep", deep)):
        walls = {}
        for n in (args.spans // 4, args.spans):
            path = os.path.join(folder, "%s-%d.json" % (name, n))
            make(path, n)
            cmd = [args.binary, "analyze", path, "--top", "3", "-o", os.devnull]
            with_detectors = median_wall(cmd, args.repeat)
            without = median_wall(cmd + ["--no-findings"], args.repeat)
            walls[n] = with_detectors
            print("%-6s %9d %12.3f %12.3f %7.2fx" % (name, n, with_detectors, without,
                                                     with_detectors / without))
            os.remove(path)
        small, large = args.spans // 4, args.spans
        print("%-6s growth %d -> %d spans: %.2fx (linear: 4x)" % (
            name, small, large, walls[large] / walls[small]))
    os.rmdir(folder)


if __name__ == "__main__":
    main()
