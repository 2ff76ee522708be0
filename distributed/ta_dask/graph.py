"""The task graph on the cluster: partition, analyze, tree merge.

Every task is followed by a small `describe` task (its outcome without the
partial's bytes), so the client learns of each success or failure as it
happens without downloading partials. The first failure cancels the rest and
becomes a `Failure` naming the shard, the tool's exit code and its stderr.

Retries: a task whose worker dies is rerun by the scheduler on another
worker (up to its `distributed.scheduler.allowed-failures`, 3 by default,
then KilledWorker); a task whose tool process is killed by a signal is rerun
through `retries=`. A tool's exit code is an answer and is never retried.
"""

import dataclasses
import uuid

from distributed import as_completed

from ta_dask import tasks
from ta_dask import tool


_WARNING = ': warning: '  # the tool's warnings; its other notes are not relayed


class Failure(Exception):
    """The run failed: what to print, and the exit code."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


@dataclasses.dataclass
class Result:
    """The partials the final merge reads, and what the shards said."""
    parts: list  # Outcomes with payloads, at most fan_in
    warnings: list  # (label, warning lines) of successful tasks, in plan order
    partial_input: bool  # a shard was labelled partial (a server missed traces)
    stats: list  # per task, in submission order: label, kind, seconds, partial bytes


@dataclasses.dataclass
class _Task:
    kind: str  # a Progress kind
    order: int
    label: str


def indent(text):
    """Each line of text, indented by two spaces (under a message that names it)."""
    return ''.join(f'  {line}\n' for line in text.rstrip('\n').split('\n')) if text else ''


def _failure_of_outcome(label, outcome):
    code = outcome.code if outcome.code in (tool.GATE_FAILED, tool.INPUT_ERROR,
                                            tool.BACKEND_ERROR) else tool.BACKEND_ERROR
    return Failure(f'{label}: trace-analyze exited with {outcome.code}:\n'
                   f'{indent(outcome.stderr)}', code)


def _failure_of_exception(label, error, retries):
    name = type(error).__name__
    if name == 'KilledWorker':
        return Failure(f'{label}: the worker running it died each time it was tried '
                       f'({error}); see the worker logs (memory?)', tool.BACKEND_ERROR)
    if name == 'ToolKilled':
        return Failure(f'{label}: {error}, on each of {retries + 1} attempts (out of memory? '
                       'see the worker\'s kernel log)', tool.BACKEND_ERROR)
    if name == 'BinaryMissing':
        return Failure(f'{label}: {error}', tool.INPUT_ERROR)
    return Failure(f'{label}: {name}: {error}', tool.BACKEND_ERROR)


class GraphRunner:
    """Submits one plan's tasks to a client and follows them."""

    def __init__(self, client, binary, fan_in, retries, progress_factory):
        self._client = client
        self._binary = binary
        self._fan_in = fan_in
        self._retries = retries
        self._progress_factory = progress_factory
        self._token = uuid.uuid4().hex[:8]
        self._tasks = {}  # future key -> _Task
        self._futures = []

    def _submit(self, kind, label, fn, *args):
        key = f'{fn.__name__}-{len(self._futures):05d}-{self._token}'
        future = self._client.submit(fn, self._binary, *args, key=key, retries=self._retries,
                                     pure=False)
        self._tasks[key] = _Task(kind, len(self._futures), label)
        self._futures.append(future)
        return future

    def run(self, plan, command):
        """Runs the plan; returns a Result, or raises Failure."""
        total = len(plan.shards)
        partition = None
        if plan.partition:
            p = plan.partition
            partition = self._submit(
                'partition', f'partition of {len(p.inputs)} span files into {p.shards} shards',
                tasks.partition, list(p.inputs), p.folder, p.shards, command.partition)
        analyses = []
        for shard in plan.shards:
            args = list(command.analysis) + list(command.server) + list(command.search) + list(
                shard.server_args)
            extra = (partition, shard.partition_index) if shard.partition_index >= 0 else ()
            analyses.append(
                self._submit('shards analysed', shard.label(total), tasks.analyze,
                             list(shard.inputs), args, *extra))
        level, spans = analyses, [(i, i) for i in range(total)]
        merges = []
        while len(level) > self._fan_in:
            next_level, next_spans = [], []
            for g in range(0, len(level), self._fan_in):
                first, last = spans[g][0], spans[min(g + self._fan_in, len(level)) - 1][1]
                label = f'merge of the partials of shards {first + 1}-{last + 1}'
                next_level.append(self._submit('merges', label, tasks.merge,
                                               *level[g:g + self._fan_in]))
                next_spans.append((first, last))
            merges += next_level
            level, spans = next_level, next_spans
        progress = self._progress_factory({
            'partition': 1 if partition else 0,
            'shards analysed': total,
            'merges': len(merges)
        })
        try:
            outcomes = self._follow(progress)
            parts = self._client.gather(level)
        except Failure:
            self._client.cancel(self._futures)
            raise
        finally:
            progress.close()
        warnings = []
        for key in sorted(outcomes, key=lambda k: self._tasks[k].order):
            lines = [line for line in outcomes[key].stderr.splitlines() if _WARNING in line]
            if lines:
                warnings.append((self._tasks[key].label, '\n'.join(lines)))
        partial_input = any(o.code == tool.BACKEND_ERROR for o in outcomes.values())
        stats = [{
            'task': self._tasks[k].label,
            'kind': self._tasks[k].kind,
            'seconds': round(outcomes[k].seconds, 3),
            'started': round(outcomes[k].detail['started'], 3),
            'ended': round(outcomes[k].detail['ended'], 3),
            'partialBytes': outcomes[k].detail.get('output_bytes'),
        } for k in sorted(outcomes, key=lambda k: self._tasks[k].order)]
        return Result(parts, warnings, partial_input, stats)

    def _follow(self, progress):
        described = {}
        for future in self._futures:
            described[self._client.submit(tasks.describe, future, key=f'describe-{future.key}',
                                          pure=False)] = future.key
        outcomes = {}
        for done in as_completed(list(described)):
            key = described[done]
            task = self._tasks[key]
            if done.status == 'error':
                raise _failure_of_exception(task.label, done.exception(), self._retries)
            outcome = done.result()
            if outcome.detail.get('skipped'):
                continue  # the failure it follows is reported on its own
            if not outcome.ok:
                raise _failure_of_outcome(task.label, outcome)
            outcomes[key] = outcome
            progress.done(task.kind)
        return outcomes
