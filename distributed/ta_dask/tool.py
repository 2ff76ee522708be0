"""Running the trace-analyze executable and reading its outcome.

Exit codes are the tool's: 0 ok, 1 a gate failed, 2 usage or input error,
3 backend error (after writing a partial labelled partial, when a Jaeger
server could not deliver every trace). A process killed from outside
(SIGKILL from the OOM killer, SIGTERM, ...) raises ToolKilled, which Dask's
`retries=` reruns; an exit code is an answer and is never retried, nor is a
crash (SIGSEGV, SIGABRT: code 128 + signal), which would crash again.
"""

import dataclasses
import os
import shutil
import signal
import subprocess
import time

OK = 0
GATE_FAILED = 1
INPUT_ERROR = 2
BACKEND_ERROR = 3
CRASHED = 128  # + the signal

_KILLS = (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

_MAX_STDERR_CHARS = 16_000


class ToolKilled(Exception):
    """The tool's process ended by a signal: worth another attempt."""


class BinaryMissing(Exception):
    """No trace-analyze executable where it was looked for."""


def resolve_binary(binary):
    """The executable: --binary, else $TRACE_ANALYZE, else trace-analyze on PATH.

    An explicit path is made absolute (the workers get the same path); a bare
    name is looked up on each machine's PATH.
    """
    name = binary or os.environ.get('TRACE_ANALYZE') or 'trace-analyze'
    if os.sep in name:
        return os.path.abspath(name)
    return name


def locate(binary):
    """Full path of `binary` on this machine; BinaryMissing if none."""
    found = shutil.which(binary)
    if not found:
        raise BinaryMissing(f'{binary}: not found or not executable')
    return found


def version(binary):
    run = subprocess.run([locate(binary), '--version'], capture_output=True, text=True,
                         check=False)
    return run.stdout.strip()


@dataclasses.dataclass
class Outcome:
    """What one run of the tool gave: exit code, stderr, the output file's bytes."""
    code: int
    stderr: str
    payload: bytes = None
    seconds: float = 0.0
    detail: dict = dataclasses.field(default_factory=dict)

    @property
    def wrote_output(self):
        return self.detail.get('output_bytes') is not None

    @property
    def ok(self):
        """Usable: success, or a backend error that still wrote its output."""
        return self.code == OK or (self.code == BACKEND_ERROR and self.wrote_output)

    def without_payload(self):
        return dataclasses.replace(self, payload=None)


def _tail(text):
    if len(text) <= _MAX_STDERR_CHARS:
        return text
    return '\u2026 (earlier lines cut)\n' + text[-_MAX_STDERR_CHARS:]


def run(argv, output=None, cwd=None):
    """Runs argv; returns an Outcome with `output`'s bytes if it was written."""
    start = time.monotonic()
    started = time.time()
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, cwd=cwd, check=False)
    except OSError as e:
        raise BinaryMissing(f'{argv[0]}: cannot run: {e.strerror}') from e
    seconds = time.monotonic() - start
    if done.returncode < 0:
        name = signal.Signals(-done.returncode).name
        if -done.returncode in _KILLS:
            raise ToolKilled(f'{argv[0]} {argv[1]} was killed by {name}')
        return Outcome(CRASHED - done.returncode,
                       _tail(done.stderr.decode('utf-8', errors='replace')) +
                       f'{argv[0]} {argv[1]} crashed: {name}\n', None, time.monotonic() - start)
    payload = None
    if output is not None and done.returncode in (OK, BACKEND_ERROR) and os.path.exists(output):
        with open(output, 'rb') as f:
            payload = f.read()
    stderr = done.stderr.decode('utf-8', errors='replace') + done.stdout.decode(
        'utf-8', errors='replace')
    detail = {'started': started, 'ended': time.time()}
    if payload is not None:
        detail['output_bytes'] = len(payload)
    return Outcome(done.returncode, _tail(stderr), payload, seconds, detail)
