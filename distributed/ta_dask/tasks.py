"""The functions the workers run: partition, analyze, merge.

They run the trace-analyze executable in a private folder under the worker's
local directory and return an Outcome; a partial travels back as the
Outcome's bytes, through Dask, never through shared storage. The client
ships this module and tool.py by value (cloudpickle), so a worker needs
Dask and the executable, not this package.
"""

import contextlib
import glob
import os
import tempfile

from ta_dask import tool

PARTIAL_NAME = 'part.tap'


@contextlib.contextmanager
def _work_folder():
    base = None
    try:
        from distributed import get_worker  # pylint: disable=import-outside-toplevel
        base = get_worker().local_directory
    except (ImportError, ValueError):
        pass  # not on a worker: the system's temporary folder
    with tempfile.TemporaryDirectory(prefix='ta-dask-', dir=base) as folder:
        yield folder


def _skipped(why):
    return tool.Outcome(tool.INPUT_ERROR, why, detail={'skipped': True})


def partition(binary, inputs, folder, shards, args):
    """Shuffles span files by trace id into `shards` files in `folder`."""
    argv = [binary, 'partition', '--shards', str(shards), *args, '-o', folder, '--', *inputs]
    outcome = tool.run(argv)
    if outcome.code == tool.OK:
        outcome.detail['files'] = sorted(
            glob.glob(os.path.join(glob.escape(folder), 'shard-*-of-*.jsonl')))
        if len(outcome.detail['files']) != shards:
            outcome.code = tool.INPUT_ERROR
            outcome.stderr += (f'partition wrote {len(outcome.detail["files"])} shard files '
                               f'in {folder}, expected {shards}\n')
    return outcome


def analyze(binary, inputs, args, partition_outcome=None, partition_index=-1):
    """`analyze INPUTS --partial`: the shard's partial as the Outcome's bytes."""
    if partition_outcome is not None:
        if not partition_outcome.ok:
            return _skipped('the partition failed')
        inputs = [partition_outcome.detail['files'][partition_index]]
    with _work_folder() as folder:
        output = os.path.join(folder, PARTIAL_NAME)
        outcome = tool.run([binary, 'analyze', *args, '--partial', '-o', output, '--', *inputs],
                           output=output)
    return outcome


def write_parts(folder, outcomes):
    """Each outcome's partial as a file in `folder`; their paths, in order."""
    paths = []
    for i, outcome in enumerate(outcomes):
        path = os.path.join(folder, f'in-{i:05d}.tap')
        with open(path, 'wb') as f:
            f.write(outcome.payload)
        paths.append(path)
    return paths


def merge(binary, *outcomes):
    """`merge PARTS --partial`: one partial of many, on a worker."""
    if not all(o.ok for o in outcomes):
        return _skipped('an input of this merge failed')
    with _work_folder() as folder:
        parts = write_parts(folder, outcomes)
        output = os.path.join(folder, PARTIAL_NAME)
        outcome = tool.run([binary, 'merge', '--partial', '-o', output, '--', *parts],
                           output=output)
    # A backend error of a shard (a partial labelled partial) stays visible.
    if outcome.code == tool.OK and any(o.code == tool.BACKEND_ERROR for o in outcomes):
        outcome.code = tool.BACKEND_ERROR
    return outcome


def describe(outcome):
    """The outcome without its bytes: what the client needs to follow progress."""
    return outcome.without_payload()
