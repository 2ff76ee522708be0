"""trace-analyze-dask: plan, run on the cluster, merge where the client runs."""

import contextlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time

from ta_dask import graph
from ta_dask import options as options_mod
from ta_dask import plan as plan_mod
from ta_dask import progress as progress_mod
from ta_dask import sniff
from ta_dask import tasks
from ta_dask import tool

PROG = 'trace-analyze-dask'


def _say(message):
    sys.stderr.write(f'{PROG}: {message}\n')
    sys.stderr.flush()


def _check_worker_binary(binary):
    """Runs on each worker: the executable's path and version there."""
    found = shutil.which(binary)
    if not found:
        return None, ''
    run = subprocess.run([found, '--version'], capture_output=True, text=True, check=False)
    return found, run.stdout.strip()


def _ship_code():
    """Workers need Dask and the executable, not this package."""
    import cloudpickle  # pylint: disable=import-outside-toplevel
    for module in (tool, tasks):
        cloudpickle.register_pickle_by_value(module)


@contextlib.contextmanager
def _client(driver):
    """A client of the --scheduler cluster, or of a local cluster it starts."""
    import distributed  # pylint: disable=import-outside-toplevel
    if driver.scheduler:
        try:
            client = distributed.Client(driver.scheduler, timeout='20s')
        except (OSError, TimeoutError) as e:
            raise graph.Failure(f'cannot reach the scheduler {driver.scheduler}: {e}',
                                tool.BACKEND_ERROR) from e
        with client:
            yield client
        return
    workers = driver.local_workers or len(os.sched_getaffinity(0))
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=driver.threads_per_worker,
                                  processes=True, dashboard_address='127.0.0.1:0',
                                  silence_logs=logging.ERROR) as cluster:
        with distributed.Client(cluster) as client:
            yield client


def _preflight(client, binary):
    """The same executable version on the client and on every worker."""
    local = tool.version(binary)
    for worker, (path, version) in sorted(client.run(_check_worker_binary, binary).items()):
        if path is None:
            raise tool.BinaryMissing(f'worker {worker}: {binary}: not found (give --binary '
                                     'PATH, the same on every worker, or put trace-analyze on '
                                     "the workers' PATH)")
        if version != local:
            raise tool.BinaryMissing(f'worker {worker}: {path} is {version!r}, the client\'s '
                                     f'is {local!r}: partials need the same version')


def _worker_threads(client):
    workers = client.scheduler_info()['workers'].values()
    return max(1, sum(w.get('nthreads', 1) for w in workers))


def _make_plan(command, classified, target, scratch):
    if command.from_server:
        return plan_mod.plan_server(command, target, int(time.time() * 1_000_000))
    return plan_mod.plan_files(command.inputs, classified, target, scratch)


def _check_targets(command, classified):
    """As analyze: a report never overwrites an input (the merge sees only partials)."""
    inputs = {os.path.realpath(f) for f, _ in classified}
    for target in options_mod.report_targets(command):
        if os.path.realpath(target) in inputs:
            raise options_mod.UsageError(
                f'{target}: refusing to overwrite an input file with the report')


def _print_plan(plan):
    total = len(plan.shards)
    if plan.partition:
        p = plan.partition
        print(f'partition: {len(p.inputs)} span files into {p.shards} shards in {p.folder}')
        for path in p.inputs:
            print(f'  {path}')
    for shard in plan.shards:
        print(shard.label(total))
        for path in shard.inputs:
            print(f'  {path}')
        if shard.server_args:
            print(f'  {" ".join(shard.server_args)}')


def _final_merge(binary, parts, report_args):
    """The report where the client runs: merge writes every file atomically."""
    with tempfile.TemporaryDirectory(prefix='ta-dask-final-') as folder:
        paths = tasks.write_parts(folder, parts)
        sys.stdout.flush()
        return subprocess.run([tool.locate(binary), 'merge', *report_args, '--', *paths],
                              check=False).returncode


def _write_stats(path, result, merge_seconds, wall_seconds):
    analyses = [t for t in result.stats if t['kind'] == 'shards analysed']
    stats = {
        'tasks': result.stats,
        'analysisSeconds': round(max(t['ended'] for t in analyses) -
                                 min(t['started'] for t in analyses), 3),
        'finalMerge': {'parts': len(result.parts), 'seconds': round(merge_seconds, 3),
                       'partialBytes': [len(p.payload) for p in result.parts]},
        'wallSeconds': round(wall_seconds, 3),
    }
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(stats, f, indent=1)
        f.write('\n')


def _share_local_cores(driver, command):
    """On a local cluster, the tasks running at once share the cores."""
    if driver.scheduler or '--threads' in command.analysis:
        return
    cores = len(os.sched_getaffinity(0))
    at_once = (driver.local_workers or cores) * driver.threads_per_worker
    threads = ['--threads', str(max(1, cores // at_once))]
    command.analysis += threads
    command.partition += threads


def run(argv):
    """The whole command; returns the exit code."""
    driver, command = options_mod.parse(argv)
    binary = tool.resolve_binary(driver.binary)
    scratch_made = []

    def scratch():
        if driver.scheduler and not driver.scratch:
            raise options_mod.UsageError(
                'inputs hold spans (OTLP, Zipkin): give --scratch DIR, a folder every worker '
                'sees at the same path, for their partition shards')
        folder = tempfile.mkdtemp(prefix='ta-dask-shards-', dir=driver.scratch)
        scratch_made.append(folder)
        return folder

    local_binary = tool.locate(binary)
    # The tool's own reading of the inputs: its file list and formats.
    classified = [] if command.from_server else sniff.classify(local_binary, command.inputs)
    if driver.dry_run:
        target = driver.shards or 2 * (driver.local_workers or len(os.sched_getaffinity(0)))
        _print_plan(_make_plan(command, classified, target, lambda: '<scratch>'))
        return tool.OK
    _check_targets(command, classified)
    _share_local_cores(driver, command)
    start = time.monotonic()
    _ship_code()
    try:
        with _client(driver) as client:
            _preflight(client, binary)
            target = driver.shards or 2 * _worker_threads(client)
            plan = _make_plan(command, classified, target, scratch)
            runner = graph.GraphRunner(
                client, binary, driver.fan_in, driver.retries,
                lambda totals: progress_mod.Progress(totals, enabled=driver.progress))
            result = runner.run(plan, command)
        for label, stderr in result.warnings:
            _say(f'{label}:\n{graph.indent(stderr)}'.rstrip('\n'))
        merge_start = time.monotonic()
        code = _final_merge(binary, result.parts, command.report)
        if driver.stats:
            _write_stats(driver.stats, result, time.monotonic() - merge_start,
                         time.monotonic() - start)
    finally:
        for folder in scratch_made:
            shutil.rmtree(folder, ignore_errors=True)
    if result.partial_input and code in (tool.OK, tool.GATE_FAILED):
        code = tool.BACKEND_ERROR
    return code


def main(argv=None):
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except options_mod.UsageError as e:
        _say(f'error: {e}')
        return tool.INPUT_ERROR
    except (sniff.InputError, tool.BinaryMissing) as e:
        _say(f'error: {e}')
        return tool.INPUT_ERROR
    except graph.Failure as e:
        _say(f'error: {e}'.rstrip('\n'))
        return e.code
    except KeyboardInterrupt:
        _say('interrupted')
        return 130
