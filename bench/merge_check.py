#!/usr/bin/env python3
"""Checks on a big file that partial results merge exactly (docs/scale-out.md).

Partitions FILE into 16 shards by trace id (once, cached beside it), then, for
each mode (exact, --approx-quantiles) and each of ROUNDS random splits of the
shards into 2-16 groups: `analyze --partial` per group, `merge --partial` in a
random tree down to at most three parts, and `merge` of those into JSON and
text reports, compared byte for byte with `analyze` over the 16 shards.
Prints one line per round (parts, partial sizes, merge times) and exits 1 on
the first difference. The CI tests do the same on the fixtures; this is the
same check at the benchmark file's size.

  bench/merge_check.py [--binary build/cli/trace-analyze] [--file /tmp/ta-bench-1m.json]
                       [--rounds 3] [--seed 1]
"""
import argparse
import glob
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARDS = 16


def tool(binary, *args):
    proc = subprocess.run([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        sys.exit("failed (exit %d): %s\n%s" % (proc.returncode, " ".join(args),
                                                proc.stderr.decode(errors="replace")))
    return proc.stdout


def shards_of(binary, path):
    folder = path + ".shards"
    if not os.path.isdir(folder):
        tool(binary, "partition", "--shards", str(SHARDS), "-o", folder, path)
    # Shard files only: partition's record of the inputs sits beside them.
    return sorted(p for p in glob.glob(os.path.join(folder, "*")) if p.endswith(".jsonl"))


def merge_round(binary, shards, mode, rng, work, name):
    shards = shards[:]
    rng.shuffle(shards)
    k = rng.randint(2, len(shards))
    groups = [[] for _ in range(k)]
    for i, shard in enumerate(shards):
        groups[i if i < k else rng.randrange(k)].append(shard)
    parts = []
    for i, group in enumerate(groups):
        out = os.path.join(work, "%s-part-%d.tap" % (name, i))
        tool(binary, "analyze", "--partial", "-o", out, *group, *mode)
        parts.append(out)
    sizes = sum(os.path.getsize(p) for p in parts)
    merges, merge_s = 0, 0.0
    while len(parts) > 3:
        group = [parts.pop(rng.randrange(len(parts))) for _ in range(min(len(parts),
                                                                         rng.randint(2, 4)))]
        out = os.path.join(work, "%s-merged-%d.tap" % (name, merges))
        start = time.perf_counter()
        tool(binary, "merge", "--partial", "-o", out, *group)
        merge_s += time.perf_counter() - start
        merges += 1
        parts.append(out)
    return k, sizes, merges, merge_s, parts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(HERE, "..", "build", "cli", "trace-analyze"))
    ap.add_argument("--file", default=os.path.join(tempfile.gettempdir(), "ta-bench-1m.json"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if not os.path.exists(args.file):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_jaeger.py"), args.file],
                       check=True)
    shards = shards_of(args.binary, args.file)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as work:
        for mode in ([], ["--approx-quantiles"]):
            label = " ".join(mode) or "exact"
            expected = {f: tool(args.binary, "analyze", *shards, *mode, "--format", f)
                        for f in ("json", "text")}
            for r in range(args.rounds):
                k, sizes, merges, merge_s, parts = merge_round(args.binary, shards, mode, rng,
                                                               work, "r%d" % r)
                for f, want in expected.items():
                    if tool(args.binary, "merge", *parts, "--format", f) != want:
                        print("DIFFERENT: %s, round %d, %s" % (label, r, f))
                        sys.exit(1)
                print("%-18s round %d: %2d parts (%.2f MB), %d merges (%.2f s), json and text "
                      "identical" % (label, r, k, sizes / 1e6, merges, merge_s))
    print("all merges identical to the single analysis")


if __name__ == "__main__":
    main()
