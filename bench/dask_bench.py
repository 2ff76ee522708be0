#!/usr/bin/python3
"""Scale-out benchmark: partials, merges and the Dask driver on a local cluster.

On the benchmark file (bench/gen_jaeger.py, /tmp/ta-bench-1m.json), cut into
--shards files by `partition`, it times, each --repeat times (median):
  partition:  trace-analyze partition --shards S FILE
  analyze:    trace-analyze analyze SHARD --partial --threads 1, per shard,
              one after the other (the tool alone: spans/s per core)
  merge:      trace-analyze merge PARTS --partial, and merge PARTS --format json
  driver:     distributed/trace-analyze-dask --local-workers W over the shard
              files given --copies times (S x copies tasks, --threads 1 each):
              wall time, the analysis phase (first task start to last end),
              spans per task-second (per worker), and the final merge
and checks that the driver's report equals one analyze over the same inputs.
Prints the CPU model and the load average beside the numbers.

  bench/dask_bench.py --binary build/cli/trace-analyze [--file /tmp/ta-bench-1m.json]
                      [--shards 8] [--copies 4] [--workers 2] [--repeat 3]
"""
import argparse
import glob
import json
import os
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DRIVER = os.path.join(ROOT, 'distributed', 'trace-analyze-dask')


def timed(argv):
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def median_time(argv, repeat):
    return statistics.median(timed(argv) for _ in range(repeat))


def cpu_model():
    with open('/proc/cpuinfo', encoding='utf-8') as f:
        for line in f:
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    return 'unknown'


def load():
    return ' '.join(open('/proc/loadavg', encoding='utf-8').read().split()[:3])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--binary', default=os.path.join(ROOT, 'build', 'cli', 'trace-analyze'))
    parser.add_argument('--file', default='/tmp/ta-bench-1m.json')
    parser.add_argument('--shards', type=int, default=8)
    parser.add_argument('--copies', type=int, default=4)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    print(f'CPU: {cpu_model()}, {len(os.sched_getaffinity(0))} cores; load {load()}')

    with tempfile.TemporaryDirectory(prefix='ta-dask-bench-') as tmp:
        shards = os.path.join(tmp, 'shards')
        seconds = median_time([binary, 'partition', '--shards', str(args.shards), args.file,
                               '-o', shards], args.repeat)
        size = os.path.getsize(args.file)
        files = sorted(glob.glob(os.path.join(shards, '*.jsonl')))
        report = json.loads(subprocess.run([binary, 'analyze', args.file, '--format', 'json'],
                                           check=True, capture_output=True).stdout)
        spans, traces = report['dataQuality']['spans'], report['traces']
        print(f'input: {size / 1e6:.0f} MB, {traces} traces, {spans} spans')
        print(f'partition --shards {args.shards}: {seconds:.2f} s, {size / 1e6 / seconds:.0f} MB/s,'
              f' {spans / seconds / 1e6:.2f} M spans/s')

        parts = []
        total = 0.0
        for i, shard in enumerate(files):
            part = os.path.join(tmp, f'part-{i:03d}.tap')
            total += median_time([binary, 'analyze', shard, '--partial', '--threads', '1', '-o',
                                  part], args.repeat)
            parts.append(part)
        part_bytes = [os.path.getsize(p) for p in parts]
        print(f'analyze --partial --threads 1, {len(files)} shards one after the other: '
              f'{total:.2f} s, {spans / total / 1e6:.2f} M spans/s per core; partials '
              f'{min(part_bytes) / 1e3:.0f}-{max(part_bytes) / 1e3:.0f} kB, '
              f'{sum(part_bytes) / traces:.0f} B per trace, '
              f'{sum(part_bytes) / sum(map(os.path.getsize, files)) * 100:.2f} % of the shards')
        merged = os.path.join(tmp, 'merged.tap')
        seconds = median_time([binary, 'merge', *parts, '--partial', '-o', merged], args.repeat)
        print(f'merge --partial of {len(parts)}: {seconds:.3f} s, '
              f'{os.path.getsize(merged) / 1e3:.0f} kB')
        seconds = median_time([binary, 'merge', *parts, '--format', 'json', '-o',
                               os.path.join(tmp, 'm.json')], args.repeat)
        print(f'merge --format json of {len(parts)}: {seconds:.3f} s')

        inputs = [shards] * args.copies
        walls, phases, per_task, final, merges = [], [], [], [], []
        for _ in range(args.repeat):
            stats_path = os.path.join(tmp, 'stats.json')
            walls.append(timed([
                DRIVER, '--local-workers', str(args.workers), '--binary', binary, '--shards',
                str(args.shards * args.copies), '--stats', stats_path, '--', 'analyze', *inputs,
                '--threads', '1', '--format', 'json', '-o', os.path.join(tmp, 'dask.json')
            ]))
            with open(stats_path, encoding='utf-8') as f:
                stats = json.load(f)
            phases.append(stats['analysisSeconds'])
            per_task.append(
                sum(t['seconds'] for t in stats['tasks'] if t['kind'] == 'shards analysed'))
            final.append(stats['finalMerge']['seconds'])
            merges += [t['seconds'] for t in stats['tasks'] if t['kind'] == 'merges']
        one = median_time([binary, 'analyze', *inputs, '--format', 'json', '-o',
                           os.path.join(tmp, 'one.json')], args.repeat)
        same = open(os.path.join(tmp, 'dask.json'), 'rb').read() == open(
            os.path.join(tmp, 'one.json'), 'rb').read()
        all_spans = spans * args.copies
        print(f'driver, {args.workers} local workers, {args.shards * args.copies} tasks, '
              f'{all_spans} spans: wall {statistics.median(walls):.2f} s (with cluster start), '
              f'analysis phase {statistics.median(phases):.2f} s = '
              f'{all_spans / statistics.median(phases) / 1e6:.2f} M spans/s; '
              f'{all_spans / statistics.median(per_task) / 1e6:.2f} M spans per task-second '
              f'(per worker); merge tasks (--partial, 8 parts) '
              f'{statistics.median(merges) if merges else 0:.3f} s, final merge '
              f'{statistics.median(final):.3f} s; report identical to one analyze: {same}')
        print(f'one analyze over the same inputs (all cores): {one:.2f} s = '
              f'{all_spans / one / 1e6:.2f} M spans/s')
    print(f'load after: {load()}')


if __name__ == '__main__':
    main()
