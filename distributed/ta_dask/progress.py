"""The progress line on stderr.

Shown when stderr is a terminal (one line, redrawn) or when asked with
--progress (one line per change, for logs); never otherwise, so pipes and
CI logs stay as they were.
"""

import sys
import time


class Progress:
    """Counts of finished tasks per kind, drawn as one line."""

    def __init__(self, totals, enabled=None, stream=None):
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()
        self._enabled = self._tty if enabled is None else enabled
        self._totals = dict(totals)  # kind -> total, in display order
        self._done = {kind: 0 for kind in totals}
        self._start = time.monotonic()
        self._drawn = False

    def done(self, kind):
        self._done[kind] += 1
        self.draw()

    def line(self):
        parts = [f'{self._done[k]}/{n} {k}' for k, n in self._totals.items() if n]
        return f'trace-analyze-dask: {", ".join(parts)}, {time.monotonic() - self._start:.0f} s'

    def draw(self):
        if not self._enabled:
            return
        if self._tty:
            self._stream.write('\r\033[K' + self.line())
        else:
            self._stream.write(self.line() + '\n')
        self._stream.flush()
        self._drawn = True

    def close(self):
        """Ends the redrawn line, so that what follows starts on its own."""
        if self._enabled and self._tty and self._drawn:
            self._stream.write('\n')
            self._stream.flush()
