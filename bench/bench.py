#!/usr/bin/env python3
"""End-to-end benchmark: `trace-analyze analyze` vs Python's json.load.

Generates (once) a Jaeger UI JSON file of ~1,000,000 spans, then times, in the
same run and on the same file in the page cache, each command REPEAT times
(round-robin: every command once per round, so that a change in the host's
load weighs on all of them alike):
  baseline:  python3 -c 'import json,sys; json.load(open(sys.argv[1]))'
  ours:      trace-analyze analyze FILE --format json -o /dev/null-like temp
and prints median wall and CPU time, MB/s, spans/s, peak RSS and the ratios against
the targets (>= 50x faster than the Python parse; peak RSS <= 1/4 of the input;
the bottleneck detectors cost <= 1.5x the analysis without them, --no-findings),
and `critical-path --format json` on the same file (peak RSS <= 1/4 of the input,
wall <= the bare scan below).

  bench/bench.py [--binary build/cli/trace-analyze] [--file /tmp/ta-bench-1m.json]
                 [--repeat 3] [--extra-args "..."] [--bare-scan build/bench/bare_scan]
Also times the bare single-threaded simdjson scan (bench/bare_scan.cc) in the
same run when it is built, and prints our times as ratios to it: a measure of
how close to the hardware's floor we are, whatever the CPU.
Exit 0 always (a benchmark reports; it does not gate), unless a command fails.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd):
    """Runs cmd, returns (wall seconds, peak RSS bytes, CPU seconds: user + system)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("benchmark command failed: %s\n%s" % (" ".join(cmd), err))
    return wall, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime


def measure_all(commands, repeat):
    """Times each (name, cmd) `repeat` times, round-robin: a change in the
    machine's load during the run then weighs on every command alike, and the
    ratios between them stay meaningful on a shared host. Returns one row per
    command: median wall and CPU seconds, max peak RSS."""
    samples = [([], [], []) for _ in commands]
    for _ in range(repeat):
        for (_, cmd), (walls, rss, cpus) in zip(commands, samples):
            w, r, c = run(cmd)
            walls.append(w)
            rss.append(r)
            cpus.append(c)
    return [{"name": name, "wall": statistics.median(walls), "cpu": statistics.median(cpus),
             "rss": max(rss), "walls": walls, "cpus": cpus}
            for (name, _), (walls, rss, cpus) in zip(commands, samples)]


def measure(name, cmd, repeat):
    return measure_all([(name, cmd)], repeat)[0]


def giant(args):
    """The giant-trace case: one trace of args.spans spans, against the bare scan."""
    path = os.path.join(os.path.dirname(args.file), "ta-bench-giant.json")
    if not os.path.exists(path):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_jaeger.py"), path, "--spans",
                        str(args.spans), "--spans-per-trace", str(args.spans)], check=True)
    size = os.path.getsize(path)
    with open(path, "rb") as f:  # warm the page cache
        while f.read(1 << 24):
            pass
    out = os.path.join(tempfile.gettempdir(), "ta-bench-giant-report.json")
    commands = [("analyze", [args.binary, "analyze", path, "--format", "json", "-o", out]),
                ("analyze --no-findings", [args.binary, "analyze", path, "--format", "json",
                                           "-o", out, "--no-findings"]),
                ("critical-path --format json", [args.binary, "critical-path", path,
                                                 "--format", "json", "-o", out])]
    if os.path.exists(args.bare_scan):
        commands.append(("bare simdjson scan (1 thread)", [args.bare_scan, path]))
    rows = measure_all(commands, args.repeat)
    bare = rows[3] if len(rows) > 3 else None
    with open("/proc/cpuinfo") as f:
        cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    print("file: %s (%.1f MB, one trace of %d spans); cpus: %d (%s)" % (
        path, size / 1e6, args.spans, os.cpu_count(), cpu))
    print("%-30s %9s %12s %12s %10s %12s" % ("command", "wall s", "spans/s", "peak RSS MB",
                                            "RSS/input", "x bare scan"))
    for r in rows:
        print("%-30s %9.3f %12.0f %12.1f %10.2f %12s" % (
            r["name"], r["wall"], args.spans / r["wall"], r["rss"] / 1e6, r["rss"] / size,
            "%.2f" % (r["wall"] / bare["wall"]) if bare else "-"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(HERE, "..", "build", "cli", "trace-analyze"))
    ap.add_argument("--file", default=os.path.join(tempfile.gettempdir(), "ta-bench-1m.json"))
    ap.add_argument("--spans", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--extra-args", default="", help="extra trace-analyze arguments")
    ap.add_argument("--no-baseline", action="store_true", help="skip the Python baseline")
    ap.add_argument("--bare-scan", default=os.path.join(HERE, "..", "build", "bench", "bare_scan"),
                    help="the bare simdjson scan (bench/bare_scan.cc); skipped when missing")
    ap.add_argument("--giant", action="store_true",
                    help="also one trace of --spans spans (generated once, cached beside --file): "
                         "analyze and critical-path --format json against the bare scan")
    args = ap.parse_args()
    if args.giant:
        giant(args)
        return

    if not os.path.exists(args.file):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_jaeger.py"), args.file,
                        "--spans", str(args.spans)], check=True)
    size = os.path.getsize(args.file)
    with open(args.file, "rb") as f:  # warm the page cache
        while f.read(1 << 24):
            pass

    out = os.path.join(tempfile.gettempdir(), "ta-bench-report.json")
    ours_cmd = [args.binary, "analyze", args.file, "--format", "json", "-o", out] + \
        args.extra_args.split()
    # Issue 18's "2,000 traces x 500 spans" case: every trace's critical path
    # as one JSON document, streamed to the file.
    cp_out = os.path.join(tempfile.gettempdir(), "ta-bench-critical-path.json")
    commands = [("trace-analyze analyze", ours_cmd),
                ("analyze --no-findings", ours_cmd + ["--no-findings"]),
                ("critical-path --format json",
                 [args.binary, "critical-path", args.file, "--format", "json", "-o", cp_out] +
                 args.extra_args.split())]
    if os.path.exists(args.bare_scan):
        commands.append(("bare simdjson scan (1 thread)", [args.bare_scan, args.file]))
    results = measure_all(commands, args.repeat)
    ours, no_findings, critical_path = results[:3]
    bare = results[3] if len(results) > 3 else None
    with open(out) as f:
        report = json.load(f)
    spans = report["dataQuality"]["spans"]
    traces = report["traces"]
    if not args.no_baseline:
        base_cmd = [sys.executable, "-c", "import json,sys; json.load(open(sys.argv[1]))", args.file]
        results.append(measure("python3 json.load", base_cmd, max(1, min(args.repeat, 2))))

    with open("/proc/cpuinfo") as f:
        cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    print("file: %s (%.1f MB, %d traces, %d spans); cpus: %d (%s)" % (
        args.file, size / 1e6, traces, spans, os.cpu_count(), cpu))
    print("%-30s %9s %10s %12s %12s %10s %12s" % ("command", "wall s", "MB/s", "spans/s",
                                                  "peak RSS MB", "RSS/input", "x bare scan"))
    for r in results:
        print("%-30s %9.3f %10.1f %12.0f %12.1f %10.3f %12s" % (
            r["name"], r["wall"], size / 1e6 / r["wall"], spans / r["wall"], r["rss"] / 1e6,
            r["rss"] / size, "%.2f" % (r["wall"] / bare["wall"]) if bare else "-"))
    print("trace-analyze peak RSS / input size: %.3f (target <= 0.25)" % (ours["rss"] / size))
    print("bottleneck detectors cost: %.2fx the analysis without them (target <= 1.5x); "
          "in CPU time (user + system): %.2fx" % (ours["wall"] / no_findings["wall"],
                                                  ours["cpu"] / no_findings["cpu"]))
    # The two runs of one round follow each other: their ratio cancels a
    # load that drifts over the benchmark, and its spread shows the noise.
    paired = sorted(w / n for w, n in zip(ours["walls"], no_findings["walls"]))
    paired_cpu = sorted(w / n for w, n in zip(ours["cpus"], no_findings["cpus"]))
    print("  paired by round: wall %.2fx (%.2f-%.2f), CPU %.2fx (%.2f-%.2f) over %d rounds" % (
        statistics.median(paired), paired[0], paired[-1], statistics.median(paired_cpu),
        paired_cpu[0], paired_cpu[-1], len(paired)))
    if bare is not None:
        print("vs the bare single-threaded simdjson scan (load + visit every span's keys and "
              "values): %.2fx with detectors, %.2fx without" % (
                  ours["wall"] / bare["wall"], no_findings["wall"] / bare["wall"]))
    print("critical-path --format json: %.3f s, %.0f spans/s, peak RSS / input %.3f (target <= "
          "0.25)%s" % (
              critical_path["wall"], spans / critical_path["wall"], critical_path["rss"] / size,
              ", %.2fx the bare scan (target <= 1)" % (critical_path["wall"] / bare["wall"])
              if bare is not None else ""))
    if not args.no_baseline:
        base = results[-1]
        print("speed-up vs python json.load: %.1fx with detectors, %.1fx without (target >= 50x)" % (
            base["wall"] / ours["wall"], base["wall"] / no_findings["wall"]))
        print("python peak RSS / input size: %.2f" % (base["rss"] / size))


if __name__ == "__main__":
    main()
