#!/usr/bin/env python3
"""Generates a large Jaeger UI JSON file ({"data":[trace,...]}) for benchmarks.

Traces have realistic shapes: an HTTP root fanning out to services, parallel
fan-outs, sequential chains (sometimes in permuted order), N+1 loops of
database calls with connection-pool noise, async PRODUCER->CONSUMER and
FOLLOWS_FROM children, and deep call chains. Deterministic for a given seed.

  bench/gen_jaeger.py OUT.json [--spans 1000000] [--seed 1]
"""
import argparse
import json
import random

SERVICES = ["frontend", "checkout", "cart", "catalog", "pricing", "inventory",
            "shipping", "payment", "users", "recommendation", "ads", "email"]
KINDS = ["server", "client", "internal", "producer", "consumer"]


class TraceGen:
    def __init__(self, rng, trace_no):
        self.rng = rng
        self.trace_id = "%032x" % rng.getrandbits(128)
        self.spans = []
        self.processes = {}
        self.next_id = rng.getrandbits(48) << 8

    def process(self, service):
        key = "p%d" % (SERVICES.index(service) + 1)
        if key not in self.processes:
            self.processes[key] = {
                "serviceName": service,
                "tags": [{"key": "hostname", "type": "string", "value": service + "-7d9f8"},
                         {"key": "ip", "type": "string", "value": "10.0.%d.%d" % (
                             SERVICES.index(service), 7)}]}
        return key

    def span(self, parent, service, op, start, dur, kind="server", tags=(), ref="CHILD_OF"):
        self.next_id += 1
        span_id = "%016x" % self.next_id
        all_tags = [{"key": "span.kind", "type": "string", "value": kind},
                    {"key": "component", "type": "string", "value": "net/http"}]
        all_tags += [{"key": k, "type": "string" if isinstance(v, str) else "int64", "value": v}
                     for k, v in tags]
        refs = []
        if parent is not None:
            refs.append({"refType": ref, "traceID": self.trace_id, "spanID": parent})
        self.spans.append({
            "traceID": self.trace_id, "spanID": span_id, "flags": 1, "operationName": op,
            "references": refs, "startTime": start, "duration": max(dur, 1), "tags": all_tags,
            "logs": [], "processID": self.process(service), "warnings": None})
        return span_id

    def call(self, parent, service, op, start, dur, depth):
        """A client span and its server span, with nested work below."""
        client = self.span(parent, SERVICES[0] if parent is None else service, op, start, dur,
                           "client", [("http.method", "GET"), ("http.url", "/%s/%s" % (service, op))])
        server = self.span(client, service, op, start + 20, dur - 40, "server",
                           [("http.status_code", 200)])
        self.work(server, service, start + 40, dur - 80, depth + 1)

    def work(self, parent, service, start, dur, depth):
        rng = self.rng
        if dur < 200 or depth > 6 or len(self.spans) > self.budget:
            return
        shape = rng.random()
        if shape < 0.3:  # parallel fan-out
            n = rng.randint(2, 5)
            for i in range(n):
                d = rng.randint(dur // 4, dur - 10)
                self.call(parent, rng.choice(SERVICES), "fanout_%d" % i, start + rng.randint(0, 10), d, depth)
        elif shape < 0.6:  # sequential chain, sometimes permuted
            ops = ["validate", "reserve", "charge", "notify"][: rng.randint(2, 4)]
            if rng.random() < 0.3:
                rng.shuffle(ops)
            t = start
            step = dur // len(ops)
            for op in ops:
                self.call(parent, rng.choice(SERVICES), op, t, step - 5, depth)
                t += step
        elif shape < 0.8:  # N+1 loop with pool noise
            n = rng.randint(5, 30)
            step = max(dur // n, 4)
            t = start
            for i in range(n):
                self.span(parent, service, "pool.acquire", t, 1, "internal")
                self.span(parent, service, "SELECT", t + 1, step - 2, "client",
                          [("db.statement", "SELECT * FROM items WHERE id = %d" % rng.randint(1, 10**6))])
                t += step
        elif shape < 0.9:  # async children
            self.span(parent, service, "publish", start, 50, "producer")
            consumer_parent = self.spans[-1]["spanID"]
            self.span(consumer_parent, "email", "consume", start + dur, dur, "consumer")
            self.span(parent, service, "audit", start + 10, dur * 2, "internal", ref="FOLLOWS_FROM")
        else:  # deep chain
            self.work(self.span(parent, service, "step_%d" % depth, start, dur, "internal"),
                      service, start + 5, dur - 10, depth + 1)

    def build(self, spans_per_trace, start):
        self.budget = spans_per_trace
        root = self.span(None, "frontend", "HTTP GET /checkout", start, 200000, "server",
                         [("http.method", "GET"), ("http.status_code", 200)])
        t = start + 100
        while len(self.spans) < spans_per_trace:
            self.work(root, "frontend", t, self.rng.randint(2000, 40000), 0)
            t += 500
            if t > start + 190000:
                t = start + 100
        return {"traceID": self.trace_id, "spans": self.spans, "processes": self.processes,
                "warnings": None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--spans", type=int, default=1_000_000)
    ap.add_argument("--spans-per-trace", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    total = 0
    n = 0
    with open(args.out, "w") as f:
        f.write('{"data":[')
        while total < args.spans:
            trace = TraceGen(rng, n).build(args.spans_per_trace, 1_700_000_000_000_000 + n * 1_000_000)
            if n:
                f.write(",")
            f.write(json.dumps(trace, separators=(",", ":")))
            total += len(trace["spans"])
            n += 1
        f.write('],"total":0,"limit":0,"offset":0,"errors":null}\n')
    print("wrote %s: %d traces, %d spans" % (args.out, n, total))


if __name__ == "__main__":
    main()
