"""The driver's own options, and the split of the `analyze` command it runs.

The command after `--` is an ordinary `trace-analyze analyze` command line.
Each of its options has a role: it goes to every shard's `analyze`, to the
final `merge` only, or the driver rewrites it (search windows, trace ids).
`OPTIONS` lists every option of `trace-analyze analyze --help`; a test checks
the table against the executable, so a new option cannot be forgotten.
"""

import argparse
import dataclasses
import enum
import os


class UsageError(Exception):
    """A command line the driver cannot run (exit 2)."""


class Role(enum.Enum):
    ANALYSIS = 'analysis'  # every shard's analyze (what the partial holds)
    REPORT = 'report'  # the final merge only (how the report looks)
    SERVER = 'server'  # Jaeger connection: every window's analyze
    SEARCH = 'search'  # Jaeger search terms: every window's analyze
    WINDOW = 'window'  # --since/--from/--to: replaced by each window's
    IDS = 'ids'  # --trace-id/--trace-ids: dealt over the tasks
    REFUSED = 'refused'  # the driver's own business


@dataclasses.dataclass(frozen=True)
class Option:
    names: tuple
    takes_value: bool
    role: Role
    path: bool = False  # a file the workers read: made absolute
    partition: bool = False  # `partition` takes it too
    refusal: str = ''  # Role.REFUSED: why the driver gives it itself


def _opt(names, takes_value, role, **kwargs):
    return Option(tuple(names.split()), takes_value, role, **kwargs)


OPTIONS = (
    # What every shard's analysis needs (the partial records it).
    _opt('--strict', False, Role.ANALYSIS, partition=True),
    _opt('--threads', True, Role.ANALYSIS, partition=True),
    _opt('--assembly-memory', True, Role.ANALYSIS, partition=True),
    _opt('--cp-mode', True, Role.ANALYSIS),
    _opt('--adjust-clock-skew', False, Role.ANALYSIS),
    _opt('--config', True, Role.ANALYSIS, path=True),
    _opt('--no-findings', False, Role.ANALYSIS),
    _opt('--min-saving', True, Role.ANALYSIS),
    _opt('--n-plus-one-min-calls', True, Role.ANALYSIS),
    _opt('--repeated-min-calls', True, Role.ANALYSIS),
    _opt('--approx-quantiles', False, Role.ANALYSIS),
    # How the report looks: the final merge.
    _opt('-f --format', True, Role.REPORT),
    _opt('-o --output', True, Role.REPORT),
    _opt('--report', True, Role.REPORT),
    _opt('--top', True, Role.REPORT),
    _opt('--fail-on-findings', False, Role.REPORT),
    # The Jaeger server and how to talk to it.
    _opt('--jaeger', True, Role.SERVER),
    _opt('--api', True, Role.SERVER),
    _opt('--header', True, Role.SERVER),
    _opt('--token-env', True, Role.SERVER),
    _opt('--tenant', True, Role.SERVER),
    _opt('--tenant-header', True, Role.SERVER),
    _opt('--ca-file', True, Role.SERVER, path=True),
    _opt('--cert', True, Role.SERVER, path=True),
    _opt('--key', True, Role.SERVER, path=True),
    _opt('--insecure', False, Role.SERVER),
    _opt('--timeout', True, Role.SERVER),
    _opt('--retries', True, Role.SERVER),
    _opt('--max-response-size', True, Role.SERVER),
    _opt('--verbose', False, Role.SERVER),
    _opt('--concurrency', True, Role.SERVER),
    _opt('--cache-dir', True, Role.SERVER, path=True),
    _opt('--no-cache', False, Role.SERVER),
    _opt('--cache-settle', True, Role.SERVER),
    _opt('--jaeger-ui-url', True, Role.SERVER),  # the partial records it for the links
    # The search: the same terms in every window.
    _opt('--service', True, Role.SEARCH),
    _opt('--operation', True, Role.SEARCH),
    _opt('--tag', True, Role.SEARCH),
    _opt('--min-duration', True, Role.SEARCH),
    _opt('--max-duration', True, Role.SEARCH),
    _opt('--limit', True, Role.SEARCH),
    _opt('--max-traces', True, Role.SEARCH),
    _opt('--since', True, Role.WINDOW),
    _opt('--from', True, Role.WINDOW),
    _opt('--to', True, Role.WINDOW),
    _opt('--split-search-from', True, Role.REFUSED,
         refusal='it splits the search into windows and sets it on each'),
    _opt('--trace-id', True, Role.IDS),
    _opt('--trace-ids', True, Role.IDS, path=True),
    _opt('--partial', False, Role.REFUSED,
         refusal='it writes the report (merge its partials yourself with trace-analyze merge)'),
)

_BY_NAME = {name: option for option in OPTIONS for name in option.names}


@dataclasses.dataclass
class AnalyzeCommand:
    """An `analyze` command line, split by where each part goes."""
    inputs: list = dataclasses.field(default_factory=list)
    analysis: list = dataclasses.field(default_factory=list)
    partition: list = dataclasses.field(default_factory=list)
    report: list = dataclasses.field(default_factory=list)
    server: list = dataclasses.field(default_factory=list)
    search: list = dataclasses.field(default_factory=list)
    window: dict = dataclasses.field(default_factory=dict)  # name -> value
    trace_ids: list = dataclasses.field(default_factory=list)
    trace_id_files: list = dataclasses.field(default_factory=list)

    @property
    def from_server(self):
        return bool(self.server) and any(
            arg == '--jaeger' for arg in self.server)


def _split_option(token):
    """'--x=v' -> ('--x', 'v'); '-fjson' -> ('-f', 'json'); else (token, None)."""
    if token.startswith('--') and '=' in token:
        name, value = token.split('=', 1)
        return name, value
    if len(token) > 2 and token[0] == '-' and token[1] != '-':
        return token[:2], token[2:]
    return token, None


def parse_analyze(argv):
    """Splits `analyze ARGS...` into an AnalyzeCommand (UsageError if wrong)."""
    if not argv:
        raise UsageError('no command after --: expected analyze INPUTS... [options]')
    if argv[0] != 'analyze':
        raise UsageError(f"the driver runs 'analyze', not '{argv[0]}' "
                         '(critical-path, diff and verify run on one machine)')
    command = AnalyzeCommand()
    args = argv[1:]
    i = 0
    only_inputs = False
    while i < len(args):
        token = args[i]
        i += 1
        if only_inputs or token == '-' or not token.startswith('-'):
            if token == '-':
                raise UsageError('stdin (-) cannot be sharded: give files or folders')
            command.inputs.append(os.path.abspath(token))
            continue
        if token == '--':
            only_inputs = True
            continue
        name, value = _split_option(token)
        option = _BY_NAME.get(name)
        if option is None:
            if name in ('-h', '--help'):
                raise UsageError('see trace-analyze analyze --help for the command\'s options')
            raise UsageError(f'unknown analyze option {name}')
        if option.role is Role.REFUSED:
            raise UsageError(f'{name} is the driver\'s to give: {option.refusal}')
        if not option.takes_value:
            if value is not None:
                raise UsageError(f'{name} takes no value')
            _add(command, option, name, None)
            continue
        if value is None:
            if i >= len(args):
                raise UsageError(f'{name} needs a value')
            value = args[i]
            i += 1
        _add(command, option, name, value)
    return command


def _add(command, option, name, value):
    canonical = option.names[-1]
    if option.path and value is not None:
        value = os.path.abspath(value)
    pieces = [canonical] if value is None else [canonical, value]
    if option.role is Role.ANALYSIS:
        command.analysis += pieces
        if option.partition:
            command.partition += pieces
    elif option.role is Role.REPORT:
        # The final merge runs where the driver runs: paths stay as given.
        command.report += [name] if value is None else [name, value]
    elif option.role is Role.SERVER:
        command.server += pieces
    elif option.role is Role.SEARCH:
        command.search += pieces
    elif option.role is Role.WINDOW:
        if canonical in command.window:
            raise UsageError(f'{canonical} given twice')
        command.window[canonical] = value
    elif canonical == '--trace-id':
        command.trace_ids.append(value)
    else:
        command.trace_id_files.append(value)


def report_targets(command):
    """The files the final merge writes: -o FILE and each --report FORMAT=FILE."""
    targets = []
    args = command.report
    for name, value in zip(args, args[1:]):
        if name in ('-o', '--output'):
            targets.append(value)
        elif name == '--report' and '=' in value:
            targets.append(value.split('=', 1)[1])
    return targets


def check_sources(command):
    """Files or a server, not both, not neither (as analyze itself rules)."""
    if command.from_server and command.inputs:
        raise UsageError('give INPUT files or --jaeger, not both')
    if not command.from_server and not command.inputs:
        raise UsageError('no INPUT given (files or folders, or --jaeger URL)')
    if not command.from_server and (command.search or command.window or
                                    command.trace_ids or command.trace_id_files):
        raise UsageError('search and trace-id options need --jaeger')


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError('must be at least 1')
    return value


def _non_negative(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError('must be at least 0')
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def driver_parser():
    parser = _Parser(
        prog='trace-analyze-dask',
        usage='trace-analyze-dask [DRIVER OPTIONS] -- analyze INPUTS... [ANALYZE OPTIONS]',
        description='Runs trace-analyze analyze over shards on a Dask cluster and merges '
        'the partial results into the one report analyze would have written. '
        'docs/scale-out.md.',
        epilog='Exit codes: 0 success, 1 --fail-on-findings and a high-confidence finding, '
        '2 usage or input error (the failing shard is named), 3 backend error: a Jaeger '
        'server, the cluster, or a task that failed on every attempt.')
    where = parser.add_mutually_exclusive_group()
    where.add_argument('--scheduler', metavar='ADDRESS',
                       help='a running Dask scheduler, e.g. tcp://host:8786')
    where.add_argument('--local-workers', metavar='N', type=_positive,
                       help='start a local cluster of N worker processes '
                       '(default, with N = the cores available)')
    parser.add_argument('--threads-per-worker', metavar='N', type=_positive, default=1,
                        help='tasks at once per local worker (default 1)')
    parser.add_argument('--binary', metavar='PATH',
                        help='the trace-analyze executable, at this path on the client and '
                        'every worker (default: $TRACE_ANALYZE, else trace-analyze on PATH)')
    parser.add_argument('--shards', metavar='N', type=_positive,
                        help='analyze tasks to aim for: Jaeger file groups, partition shards '
                        'of span inputs, search windows (default: 2 per worker thread)')
    parser.add_argument('--fan-in', metavar='N', type=int, default=8,
                        help='partials merged by one merge task (default 8, at least 2)')
    parser.add_argument('--scratch', metavar='DIR',
                        help='folder for the partition shards of span inputs, at the same '
                        'path on the client and every worker (default: a temporary folder; '
                        'required with --scheduler when inputs hold spans)')
    parser.add_argument('--retries', metavar='N', type=_non_negative, default=2,
                        help='reruns of a task whose tool process was killed '
                        '(default 2; a task whose worker died is rerun by the scheduler)')
    parser.add_argument('--stats', metavar='FILE',
                        help='write each task\'s time and partial size, and the final '
                        'merge\'s time, to FILE as JSON (for measurements)')
    parser.add_argument('--dry-run', action='store_true',
                        help='print the shards and exit, without a cluster (the number of '
                        'shards is --shards, else 2 per local worker)')
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument('--progress', dest='progress', action='store_true', default=None,
                          help='show progress on stderr even when it is not a terminal')
    progress.add_argument('--no-progress', dest='progress', action='store_false',
                          help='never show progress')
    return parser


def parse(argv):
    """Returns (driver options, AnalyzeCommand); UsageError if wrong."""
    if '--' not in argv:
        driver_parser().parse_args(argv)  # --help, or an error in the driver's options
        raise UsageError('missing -- before the analyze command, e.g. '
                         'trace-analyze-dask --local-workers 2 -- analyze traces/')
    split = argv.index('--')
    driver = driver_parser().parse_args(argv[:split])
    if driver.fan_in < 2:
        raise UsageError('--fan-in must be at least 2')
    command = parse_analyze(argv[split + 1:])
    check_sources(command)
    return driver, command
