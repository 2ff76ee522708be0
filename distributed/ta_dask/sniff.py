"""Which inputs hold whole traces and which hold spans.

A whole-trace file (Jaeger UI JSON) can be analysed on any worker with any
other file. A span file (OTLP, Zipkin, bare Jaeger spans) may hold part of a
trace whose other spans sit in another file, so span files are shuffled by
trace id first (`trace-analyze partition`).

The rule mirrors the tool's splitter (input/internal/json_splitter.cc,
formats/trace_format.cc) on the file's first unit: past a Jaeger API envelope
(`{"data": [...]}`, `{"data": {...}}`) or a top-level array, the first key
that belongs to a format decides (`spans`/`processes`: a Jaeger UI trace).
A file is whole-trace only when that decision is a Jaeger UI trace, or when
it holds no unit at all; everything else, including what the sniffer cannot
decide within its first MiB, counts as spans: shuffling a whole-trace file
only costs time, while analysing a span file apart could cut a trace.
"""

import gzip
import os
import subprocess

WHOLE = 'whole'
SPANS = 'spans'

_PREFIX_BYTES = 1 << 20
_SUFFIXES = ('.json', '.jsonl', '.ndjson')
_COMPRESSED = ('', '.gz', '.zst')
_WHOLE_KEYS = {'spans', 'processes'}
_SPAN_KEYS = {
    'spanID', 'operationName', 'references', 'startTime', 'processID', 'process', 'logs',
    'parentSpanID', 'resourceSpans', 'result', 'batches', 'traceId', 'id', 'parentId', 'name',
    'kind', 'timestamp', 'localEndpoint', 'remoteEndpoint', 'annotations', 'shared'
}
_ENVELOPE_KEYS = {'total', 'limit', 'offset', 'errors'}


class InputError(Exception):
    """An input the driver cannot read (exit 2, naming the file)."""


def is_trace_file(name):
    """The names a folder contributes, as the tool reads folders."""
    return any(name.endswith(s + c) for s in _SUFFIXES for c in _COMPRESSED)


def expand(inputs):
    """Files of the inputs in the tool's order: folders recursively, by path."""
    files = []
    for path in inputs:
        if os.path.isdir(path):
            found = []
            for root, _, names in os.walk(path):
                found += [os.path.join(root, n) for n in names if is_trace_file(n)]
            files += sorted(found)
        elif os.path.exists(path):
            files.append(path)
        else:
            raise InputError(f'{path}: cannot open: No such file or directory')
    return files


def read_prefix(path, size=_PREFIX_BYTES):
    """Up to `size` decompressed bytes from the start of `path`."""
    try:
        if path.endswith('.gz'):
            with gzip.open(path, 'rb') as f:
                return f.read(size)
        if path.endswith('.zst'):
            with subprocess.Popen(['zstd', '-dcq', '--', path], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL) as p:
                data = p.stdout.read(size)
                p.kill()
            return data
        with open(path, 'rb') as f:
            return f.read(size)
    except (OSError, EOFError) as e:
        raise InputError(f'{path}: cannot read: {e}') from e


class _Scanner:
    """Just enough of a JSON reader to find the first unit's deciding key."""

    def __init__(self, text):
        self.text = text
        self.pos = 0

    def peek(self):
        while self.pos < len(self.text) and self.text[self.pos] in ' \t\r\n\ufeff':
            self.pos += 1
        return self.text[self.pos] if self.pos < len(self.text) else ''

    def string(self):
        end = self.pos + 1
        while True:
            end = self.text.index('"', end)  # ValueError past the prefix
            backslashes = 0
            while self.text[end - 1 - backslashes] == '\\':
                backslashes += 1
            if backslashes % 2 == 0:
                break
            end += 1
        value = self.text[self.pos + 1:end]
        self.pos = end + 1
        return value

    def skip_value(self):
        c = self.peek()
        if c == '"':
            self.string()
            return
        if c in '{[':
            depth = 0
            while True:
                c = self.peek()
                if c == '"':
                    self.string()
                    continue
                if c == '':
                    raise ValueError('prefix ends')
                self.pos += 1
                if c in '{[':
                    depth += 1
                elif c in '}]':
                    depth -= 1
                    if depth == 0:
                        return
            return
        while self.pos < len(self.text) and self.text[self.pos] not in ',}]\n':
            self.pos += 1

    def expect(self, char):
        if self.peek() != char:
            raise ValueError(f'expected {char}')
        self.pos += 1


def _object_kind(s, top):
    """Kind of the object at s.pos: WHOLE, SPANS, or None for an empty envelope."""
    s.expect('{')
    while s.peek() == '"':
        key = s.string()
        s.expect(':')
        if key in _WHOLE_KEYS:
            return WHOLE
        if key in _SPAN_KEYS:
            return SPANS
        if top and key == 'data':
            c = s.peek()
            if c == '{':
                return _object_kind(s, False)
            if c == '[':
                return _array_kind(s)
            return None  # "data": null
        s.skip_value()
        if s.peek() == ',':
            s.pos += 1
    return SPANS if not top else None


def _array_kind(s):
    s.expect('[')
    c = s.peek()
    if c == ']':
        return None
    if c == '[':
        return SPANS  # Zipkin: an array of traces, each an array of spans
    return _object_kind(s, False)


def classify_text(text):
    """WHOLE or SPANS for a file's decompressed prefix."""
    s = _Scanner(text)
    try:
        c = s.peek()
        if c == '{':
            kind = _object_kind(s, True)
        elif c == '[':
            kind = _array_kind(s)
        else:
            kind = None if c == '' else SPANS
    except (ValueError, IndexError):
        return SPANS
    return SPANS if kind == SPANS else WHOLE


def classify(path):
    """WHOLE or SPANS for one file."""
    return classify_text(read_prefix(path).decode('utf-8', errors='replace'))
