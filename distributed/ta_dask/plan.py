"""Shards: what each analyze task reads.

- Whole-trace files (Jaeger UI JSON) are grouped by size: largest first into
  the lightest group (a file is never split: `partition` it beforehand).
- Span files (OTLP, Zipkin, bare Jaeger spans; `trace-analyze sniff` says
  which, sniff.py) are one analyze
  task when they are one task's share of the bytes or less (one analyze
  assembles spans across its inputs); else one `trace-analyze partition
  --shards N` task shuffles them into N shard files of whole traces, one
  analyze task each.
- A `--jaeger` search is split into N time windows, one fetch+analyze each,
  each keeping only the traces it owns (`--split-search-from`); trace ids (`--trace-id`, `--trace-ids`) are dealt into N chunks.
The target N is shared between the two kinds of files by their sizes.
"""

import dataclasses
import os
import re

from ta_dask import sniff
from ta_dask import timespec
from ta_dask.options import UsageError


@dataclasses.dataclass(frozen=True)
class Shard:
    """One analyze task: its inputs or server arguments, and how to name it."""
    index: int
    what: str  # the shard in messages, e.g. "2 files: a.json, b.json"
    inputs: tuple = ()
    server_args: tuple = ()
    partition_index: int = -1  # >= 0: the partition's shard file of that index

    def label(self, total):
        return f'shard {self.index + 1}/{total} ({self.what})'


@dataclasses.dataclass(frozen=True)
class Partition:
    """The shuffle of the span files into `shards` files in `folder`."""
    inputs: tuple
    folder: str
    shards: int


@dataclasses.dataclass(frozen=True)
class Plan:
    shards: tuple
    partition: Partition = None


def _short_list(items, limit=3):
    names = [os.path.basename(i) if os.sep in i else i for i in items[:limit]]
    return ', '.join(names) + (', \u2026' if len(items) > limit else '')


def _count(items, noun):
    return f'{len(items)} {noun}' + ('s' if len(items) != 1 else '')


def group_by_size(files, sizes, groups):
    """Files dealt into `groups` lists of about equal size, deterministically.

    Largest file first into the group with the fewest bytes (ties: the lower
    group); groups then keep their files in input order and are ordered by
    their first file.
    """
    groups = max(1, min(groups, len(files)))
    load = [0] * groups
    members = [[] for _ in range(groups)]
    for i in sorted(range(len(files)), key=lambda i: (-sizes[i], i)):
        g = min(range(groups), key=lambda g: (load[g], g))
        load[g] += sizes[i]
        members[g].append(i)
    ordered = sorted((sorted(m) for m in members if m), key=lambda m: m[0])
    return [[files[i] for i in m] for m in ordered]


def _share(target, span_bytes, whole_bytes):
    """(span shards, whole groups) out of target, by bytes, each >= 1 if used."""
    if not span_bytes:
        return 0, target
    if not whole_bytes:
        return target, 0
    spans = round(target * span_bytes / (span_bytes + whole_bytes))
    spans = min(max(1, spans), max(1, target - 1))
    return spans, max(1, target - spans)


# Compressed trace JSON is about 10-24 times smaller (zstd; the fixtures): sizes are
# weighed as if decompressed, roughly, so that groups take similar times.
_COMPRESSED_WEIGHT = 16


def weight(path):
    size = os.path.getsize(path)
    return size * _COMPRESSED_WEIGHT if path.endswith(('.gz', '.zst')) else size


def plan_files(inputs, classified, target, scratch_folder):
    """Plan for files and folders; `classified` is sniff.classify(binary, inputs);
    scratch_folder() makes the partition folder."""
    if not classified:
        raise sniff.InputError(f'{", ".join(inputs)}: no trace file (*.json, *.jsonl, '
                               '*.ndjson, optionally .gz/.zst)')
    files = [f for f, _ in classified]
    kinds = [k for _, k in classified]
    sizes = [weight(f) for f in files]
    whole = [(f, s) for f, s, k in zip(files, sizes, kinds) if k == sniff.WHOLE]
    spans = [f for f, k in zip(files, kinds) if k == sniff.SPANS]
    span_bytes = sum(s for f, s, k in zip(files, sizes, kinds) if k == sniff.SPANS)
    n_spans, n_whole = _share(target, span_bytes, sum(s for _, s in whole))

    shards = []
    if whole:
        for group in group_by_size([f for f, _ in whole], [s for _, s in whole], n_whole):
            shards.append(Shard(len(shards), f'{_count(group, "file")}: {_short_list(group)}',
                                tuple(group)))
    partition = None
    if len(spans) > 1 and n_spans > 1:
        partition = Partition(tuple(spans), scratch_folder(), n_spans)
        source = f'{_count(spans, "span file")}: {_short_list(spans)}'
        for i in range(n_spans):
            shards.append(Shard(len(shards), f'partition shard {i + 1}/{n_spans} of {source}',
                                partition_index=i))
    elif spans:
        # One task's worth: one analyze assembles the spans across its files.
        shards.append(Shard(len(shards), f'{_count(spans, "span file")}: {_short_list(spans)}',
                            tuple(spans)))
    return Plan(tuple(shards), partition)


_ID_SEPARATORS = re.compile(r'[\s,]+')


def read_trace_ids(path):
    """Ids of a --trace-ids file: whitespace or comma separated, # comments."""
    try:
        with open(path, encoding='utf-8') as f:
            text = f.read()
    except OSError as e:
        raise sniff.InputError(f'{path}: cannot open: {e.strerror}') from e
    ids = []
    for line in text.splitlines():
        ids += [t for t in _ID_SEPARATORS.split(line.split('#', 1)[0]) if t]
    return ids


def _dedupe_ids(ids):
    seen = set()
    kept = []
    for trace_id in ids:
        key = trace_id.lower().lstrip('0')
        if key not in seen:
            seen.add(key)
            kept.append(trace_id)
    return kept


def plan_server(command, target, now_us):
    """Plan for --jaeger: trace-id chunks, or search windows."""
    ids = list(command.trace_ids)
    for path in command.trace_id_files:
        ids += read_trace_ids(path)
    if ids:
        if command.window or command.search:
            raise UsageError('--trace-id/--trace-ids exclude the search options')
        ids = _dedupe_ids(ids)
        chunks = max(1, min(target, len(ids)))
        shards = []
        for c in range(chunks):
            chunk = ids[len(ids) * c // chunks:len(ids) * (c + 1) // chunks]
            args = [a for i in chunk for a in ('--trace-id', i)]
            what = f'{_count(chunk, "trace id")}: {_short_list(chunk)}'
            shards.append(Shard(c, what, server_args=tuple(args)))
        return Plan(tuple(shards))
    start, end = timespec.search_window(command.window, now_us)
    shards = []
    # Jaeger returns a trace to every window in which one of its matching spans
    # starts: --split-search-from makes each window skip the traces an earlier
    # window owns, so that every trace is analysed once.
    search_start = timespec.format_rfc3339(start)
    for i, (a, b) in enumerate(timespec.split_window(start, end, target)):
        first, last = timespec.format_rfc3339(a), timespec.format_rfc3339(b)
        shards.append(
            Shard(i, f'window {first} .. {last}',
                  server_args=('--from', first, '--to', last, '--split-search-from',
                               search_start)))
    return Plan(tuple(shards))
