"""Jaeger search windows as the tool reads them, split into sub-windows.

Times are int µs since the epoch, as in the tool (jaeger_client/time_parse.h):
`--from`/`--to` take RFC 3339, `now` or a duration before now (`2h`);
`--since D` is a window of length D ending at `--to` (default now, 1h).
A Jaeger search includes both ends of its window, so sub-windows are
[start_i, start_{i+1} - 1 µs]: each µs, hence each trace, in exactly one.
"""

import datetime
import re

from ta_dask.options import UsageError

_UNITS_US = {
    'ns': 0.001, 'us': 1, '\u00b5s': 1, '\u03bcs': 1, 'ms': 1000, 's': 1_000_000,
    'm': 60_000_000, 'h': 3_600_000_000, 'd': 86_400_000_000
}
_PART = re.compile(r'(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h|d)')
_DEFAULT_SINCE_US = 3_600_000_000


def parse_duration_us(text):
    """A Go duration ('1h30m', '1.5s', '2d'); UsageError if invalid."""
    if text == '0':
        return 0
    pos = 0
    total = 0.0
    while pos < len(text):
        match = _PART.match(text, pos)
        if not match:
            raise UsageError(f"'{text}' is not a duration (e.g. 30m, 2h, 1.5s)")
        total += float(match.group(1)) * _UNITS_US[match.group(2)]
        pos = match.end()
    if not text:
        raise UsageError('empty duration')
    return int(total)


def parse_time_us(text, now_us):
    """RFC 3339, 'now', or a duration before now_us; UsageError if invalid."""
    if text == 'now':
        return now_us
    if text and text[0].isdigit() and ('T' in text or 't' in text):
        try:
            stamp = datetime.datetime.fromisoformat(text.replace('z', 'Z').replace('Z', '+00:00'))
        except ValueError as e:
            raise UsageError(f"'{text}' is not an RFC 3339 time") from e
        if stamp.tzinfo is None:
            raise UsageError(f"'{text}' needs a time zone (Z or +hh:mm)")
        delta = stamp - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return now_us - parse_duration_us(text)


def format_rfc3339(us):
    """UTC, with µs when non-zero: what the tool parses back exactly."""
    stamp = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(
        microseconds=us)
    text = stamp.strftime('%Y-%m-%dT%H:%M:%S')
    if stamp.microsecond:
        text += f'.{stamp.microsecond:06d}'
    return text + 'Z'


def search_window(window, now_us):
    """[start, end] µs of --since/--from/--to (a dict of those given)."""
    if '--from' in window and '--since' in window:
        raise UsageError('--from excludes --since')
    end = parse_time_us(window['--to'], now_us) if '--to' in window else now_us
    if '--from' in window:
        start = parse_time_us(window['--from'], now_us)
    else:
        since = window.get('--since')
        start = end - (parse_duration_us(since) if since else _DEFAULT_SINCE_US)
    if start >= end:
        raise UsageError('the search window is empty: --from must be before --to')
    return start, end


def split_window(start, end, parts):
    """Up to `parts` inclusive sub-windows tiling [start, end], oldest first."""
    parts = max(1, min(parts, end - start + 1))
    bounds = [start + (end - start + 1) * i // parts for i in range(parts + 1)]
    return [(bounds[i], bounds[i + 1] - 1) for i in range(parts)]
