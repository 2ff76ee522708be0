#!/usr/bin/env python3
"""Streams a very large generated input through `trace-analyze analyze -` and
reports wall time, throughput and peak RSS (docs/reliability.md).

Nothing is written to disk: a generator thread writes a Jaeger UI JSON
document ({"data":[trace, ...]}) of the requested size into the tool's stdin,
each trace a fresh copy of a 12-span template with its own trace id. The
point is that peak memory stays flat however large the input is.

  bench/stream_large.py [--binary build/cli/trace-analyze] [--gib 2] [--gzip]

With --gzip the stream is gzip-compressed on the fly (the decompressing path).
Exit status: the tool's (0 when the run succeeded).
"""
import argparse
import json
import resource
import subprocess
import sys
import threading
import time
import zlib


def template_trace():
    spans = []
    processes = {}
    for k in range(12):
        service = "svc-%d" % (k % 4)
        processes["p%d" % (k % 4)] = {"serviceName": service,
                                      "tags": [{"key": "hostname", "type": "string",
                                                "value": service + "-host"}]}
        refs = [] if k == 0 else [{"refType": "CHILD_OF", "traceID": "TRACEID",
                                   "spanID": "%016x" % (k // 2 + 1 if k > 1 else 1)}]
        spans.append({"traceID": "TRACEID", "spanID": "%016x" % (k + 1),
                      "operationName": "op-%d" % k, "references": refs,
                      "startTime": 1_700_000_000_000_000 + 10 * k,
                      "duration": 1000 - 50 * k, "processID": "p%d" % (k % 4),
                      "tags": [{"key": "span.kind", "type": "string", "value": "server"},
                               {"key": "db.statement", "type": "string",
                                "value": "SELECT * FROM t WHERE id = %d" % k}]})
    return json.dumps({"traceID": "TRACEID", "spans": spans, "processes": processes},
                      separators=(",", ":"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="build/cli/trace-analyze")
    ap.add_argument("--gib", type=float, default=2.0)
    ap.add_argument("--gzip", action="store_true")
    args = ap.parse_args()

    total = int(args.gib * (1 << 30))
    parts = template_trace().split("TRACEID")
    proc = subprocess.Popen([args.binary, "analyze", "-", "--format", "json", "-o", "/dev/null"],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    written = [0, 0]  # bytes, traces

    def feed():
        gz = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS) if args.gzip else None
        out = proc.stdin

        def put(text):
            data = text.encode()
            written[0] += len(data)
            out.write(gz.compress(data) if gz else data)

        try:
            put('{"data":[')
            n = 0
            batch = []
            while written[0] < total:
                tid = "%032x" % (n + 1)
                batch.append(("," if n else "") + tid.join(parts))
                n += 1
                if len(batch) == 2000:
                    put("".join(batch))
                    batch.clear()
            put("".join(batch) + "]}")
            if gz:
                out.write(gz.flush())
            written[1] = n
            out.close()
        except BrokenPipeError:
            pass

    start = time.monotonic()
    thread = threading.Thread(target=feed)
    thread.start()
    err = proc.stderr.read()
    proc.wait()
    thread.join()
    elapsed = time.monotonic() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    mb = written[0] / 1e6
    print("input %.0f MB%s, %d traces, %.1f s, %.0f MB/s, peak RSS %.0f MB, exit %d"
          % (mb, " (gzip stream)" if args.gzip else "", written[1], elapsed, mb / elapsed,
             rss / 1e6, proc.returncode))
    if proc.returncode != 0:
        sys.stderr.write(err.decode(errors="replace"))
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
