"""Which inputs hold whole traces and which hold spans, as the executable says.

A whole-trace file (Jaeger UI JSON) can be analysed on any worker with any
other file. A span file (OTLP, Zipkin, bare Jaeger spans) may hold part of a
trace whose other spans sit in another file, so span files are shuffled by
trace id first (`trace-analyze partition`).

The rule is the tool's own: `trace-analyze sniff INPUTS...` lists every file
the tool reads for these inputs (folders expanded as it expands them, in its
order) with the trace format of the file's first unit, which the reader's
splitter decides (input/detect.h). A file is a span file when that format
assembles spans; a file without any trace unit, or one the reader cannot
split from its start (it gives no trace wherever it is read), is whole.
"""

import json
import os
import subprocess

WHOLE = 'whole'
SPANS = 'spans'

_ERROR_PREFIX = 'trace-analyze: error: '


class InputError(Exception):
    """An input the driver cannot read (exit 2, naming the file)."""


def classify(binary, inputs):
    """[(file, WHOLE or SPANS)] for `inputs` (files and folders), in the tool's order."""
    try:
        done = subprocess.run([binary, 'sniff', '--', *inputs], capture_output=True, check=False)
    except OSError as e:
        raise InputError(f'{binary}: cannot run: {e.strerror}') from e
    if done.returncode != 0:
        message = done.stderr.decode('utf-8', errors='replace').strip()
        raise InputError(message.removeprefix(_ERROR_PREFIX) or
                         f'{binary} sniff exited with {done.returncode}')
    entries = json.loads(done.stdout)['inputs']
    return [(_path(e), SPANS if e['assembly'] == 'spans' else WHOLE) for e in entries]


def _path(entry):
    """The file's name as Python spells it: a name that is not UTF-8 comes as its
    bytes ("pathBytes"), decoded the way os.listdir would (surrogate escapes)."""
    if 'pathBytes' in entry:
        return os.fsdecode(bytes.fromhex(entry['pathBytes']))
    return entry['path']
