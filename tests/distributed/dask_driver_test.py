#!/usr/bin/python3
"""Tests of distributed/trace-analyze-dask on a local Dask cluster.

Usage: dask_driver_test.py [TRACE_ANALYZE_BINARY]  (else $TRACE_ANALYZE, else
build/cli/trace-analyze), from the project root. Exits 77 (skipped, for
ctest) when Dask's `distributed` cannot be imported; scripts/setup.sh
installs it (python3-distributed), so CI runs these tests.

The cluster tests run the contract of issue 19 (`analyze --partial`,
`merge`): a local cluster of 2 worker processes analyses the fixtures,
including an OTLP trace dealt over three files, and the reports are
byte-identical to one `trace-analyze analyze` run, in JSON and text; also
when a worker is killed in the middle of a task.
"""

import http.server
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DRIVER = os.path.join(ROOT, 'distributed', 'trace-analyze-dask')
FIXTURES = os.path.join(ROOT, 'fixtures')
TRAINTICKET = os.path.join(FIXTURES, 'assembly',
                           'nezha-trainticket_faultfree_2023-01-30T11-39_62traces.otlp.json.zst')
SKIPPED = 77

try:
    import distributed
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError as e:
    print(f'skipped: Dask distributed is not importable ({e}); apt-get install '
          'python3-distributed (scripts/setup.sh installs it)')
    sys.exit(SKIPPED)

sys.path.insert(0, os.path.join(ROOT, 'distributed'))
from ta_dask import options  # pylint: disable=wrong-import-position
from ta_dask import plan  # pylint: disable=wrong-import-position
from ta_dask import progress  # pylint: disable=wrong-import-position
from ta_dask import sniff  # pylint: disable=wrong-import-position
from ta_dask import timespec  # pylint: disable=wrong-import-position

if len(sys.argv) > 1 and os.path.isfile(sys.argv[1]):
    BINARY = os.path.abspath(sys.argv.pop(1))
else:
    BINARY = os.path.abspath(
        os.environ.get('TRACE_ANALYZE', os.path.join(ROOT, 'build', 'cli', 'trace-analyze')))


class KillOnce(WorkerPlugin):
    """Kills its worker process while it runs the first analyze task it sees.

    The marker file makes it happen once in the whole cluster: the worker the
    nanny starts again gets the plugin too, and must not die again.
    """

    def __init__(self, marker):
        self.marker = marker

    def transition(self, key, start, finish, **kwargs):
        if finish != 'executing' or not str(key).startswith('analyze-'):
            return
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        threading.Thread(target=self._kill_when_the_tool_runs, args=(fd, key), daemon=True).start()

    @staticmethod
    def _kill_when_the_tool_runs(fd, key):
        """Mid-task: once the task's trace-analyze process has started."""
        import psutil  # pylint: disable=import-outside-toplevel
        for _ in range(500):
            tools = []
            for child in psutil.Process().children(recursive=True):
                try:
                    if child.cmdline()[1:2] == ['analyze']:
                        tools.append(child)
                except (psutil.Error, IndexError):
                    pass  # gone already, or not yet exec'd
            if tools:
                os.write(fd, f'{key}: killed while pid {tools[0].pid} ran\n'.encode())
                os.close(fd)
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(0.002)
        os.write(fd, f'{key}: the tool was never seen\n'.encode())
        os.close(fd)


def deal_otlp_spans(document, files, seed):
    """The spans of an OTLP document dealt at random into `files` documents."""
    rng = random.Random(seed)
    pieces = [{'resourceSpans': []} for _ in range(files)]
    for resource_spans in document['resourceSpans']:
        for scope_spans in resource_spans['scopeSpans']:
            dealt = [[] for _ in range(files)]
            for span in scope_spans['spans']:
                dealt[rng.randrange(files)].append(span)
            for piece, spans in zip(pieces, dealt):
                if spans:
                    piece['resourceSpans'].append({
                        'resource': resource_spans.get('resource', {}),
                        'scopeSpans': [{'scope': scope_spans.get('scope', {}), 'spans': spans}]
                    })
    return pieces


class FakeJaeger(http.server.ThreadingHTTPServer):
    """Jaeger's HTTP /api on loopback: a search finds, as Jaeger's storage does, the traces
    with a span of the service that starts in [start, end] (so a trace whose spans of the
    service start on both sides of a window boundary is found by both windows);
    /api/traces/ID answers 404 with Jaeger's error body for an unknown id."""

    def __init__(self, traces):
        self.traces = [(self.span_starts(t), t) for t in traces]
        super().__init__(('127.0.0.1', 0), _FakeJaegerHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @staticmethod
    def span_starts(trace):
        """{service: start times of its spans} of a Jaeger UI trace."""
        starts = {}
        for span in trace['spans']:
            service = trace['processes'][span['processID']]['serviceName']
            starts.setdefault(service, []).append(span['startTime'])
        return starts

    @property
    def url(self):
        return f'http://127.0.0.1:{self.server_address[1]}'


class _FakeJaegerHandler(http.server.BaseHTTPRequestHandler):

    def do_GET(self):  # pylint: disable=invalid-name
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        status = 200
        if url.path == '/api/traces':
            start, end = int(query['start'][0]), int(query['end'][0])
            service = query['service'][0]
            found = [
                t for starts, t in self.server.traces
                if any(start <= s <= end for s in starts.get(service, ()))
            ]
            body = {'data': found[:int(query['limit'][0])]}
        else:
            trace_id = url.path.rsplit('/', 1)[1]
            found = [t for _, t in self.server.traces if t['traceID'] == trace_id]
            body = {'data': found}
            if not found:
                status = 404
                body = {'data': None, 'errors': [{'code': 404, 'msg': 'trace not found'}]}
        body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=False, **kwargs)


class Inputs:
    """The fixtures' traces plus the TrainTicket OTLP file dealt over three files."""

    def __init__(self, folder):
        document = json.loads(
            subprocess.run(['zstd', '-dc', TRAINTICKET], capture_output=True,
                           check=True).stdout)
        self.dealt = []
        for i, piece in enumerate(deal_otlp_spans(document, 3, 19)):
            path = os.path.join(folder, f'trainticket-{i}.otlp.json')
            with open(path, 'w', encoding='utf-8') as f:
                json.dump(piece, f)
            self.dealt.append(path)
        self.paths = [os.path.join(FIXTURES, 'traces'), os.path.join(FIXTURES, 'findings')
                     ] + self.dealt


class PlanningTest(unittest.TestCase):
    """What needs no cluster and no partials."""

    def test_fixture_formats_are_sniffed_by_the_tool(self):
        traces = os.path.join(FIXTURES, 'traces')
        kinds = {os.path.basename(f): k for f, k in sniff.classify(BINARY, [traces])}
        self.assertEqual(kinds, {
            'dsb-hotelreservation_single_00202d6c6c17bfe5.json': sniff.WHOLE,
            'dsb-mediamicroservices_load25_500traces.json.zst': sniff.WHOLE,
            'jaeger-ui_otlp2jaeger-multi-in.ndjson.json': sniff.SPANS,
            'zipkin-lens_ascend.json': sniff.SPANS,
            'zipkin-lens_yelp.json': sniff.SPANS,
        })

    def test_sniffing_shapes(self):
        cases = {
            '{"data":[{"traceID":"a","spans":[]}]}': sniff.WHOLE,
            '{"total":0,"errors":null,"data":{"traceID":"a","processes":{}}}': sniff.WHOLE,
            '{"data":[]}': sniff.WHOLE,
            '': sniff.WHOLE,  # empty: no trace wherever it is read
            '[{"traceID":"a","spanID":"b"}]': sniff.SPANS,  # bare Jaeger spans
            '{"resourceSpans":[]}': sniff.SPANS,
            '[[{"traceId":"a","id":"b"}]]': sniff.SPANS,
            '{"traceID":"a","spans":[' + ' ' * 10: sniff.WHOLE,
            '[{"foo":1},{"traceId":"a","id":"b"}]': sniff.SPANS,  # the first trace unit decides
            'garbage': sniff.WHOLE,  # unreadable from its start: no trace
        }
        with tempfile.TemporaryDirectory(prefix='ta-dask-sniff-') as folder:
            paths = []
            for i, text in enumerate(cases):
                paths.append(os.path.join(folder, f'case-{i:02d}.json'))
                with open(paths[-1], 'w', encoding='utf-8') as f:
                    f.write(text)
            got = dict(sniff.classify(BINARY, [folder]))
            for path, (text, kind) in zip(paths, cases.items()):
                self.assertEqual(got[path], kind, text)
            with self.assertRaisesRegex(sniff.InputError, 'missing.json: cannot open'):
                sniff.classify(BINARY, [os.path.join(folder, 'missing.json')])

    def test_a_name_that_is_not_utf8_is_found_again(self):
        with tempfile.TemporaryDirectory(prefix='ta-dask-sniff-') as folder:
            name = os.fsdecode(b'caf\xe9.json')  # Latin-1: not UTF-8
            with open(os.path.join(folder, name), 'w', encoding='utf-8') as f:
                f.write('{"data":[]}')
            [(path, kind)] = sniff.classify(BINARY, [folder])
            self.assertEqual(path, os.path.join(folder, name))
            self.assertTrue(os.path.exists(path))
            self.assertEqual(kind, sniff.WHOLE)

    def test_groups_are_balanced_and_deterministic(self):
        groups = plan.group_by_size(['a', 'b', 'c', 'd', 'e'], [5, 1, 4, 2, 3], 2)
        self.assertEqual(groups, [['a', 'b', 'd'], ['c', 'e']])
        self.assertEqual(plan.group_by_size(['a'], [1], 4), [['a']])

    def test_windows_tile_the_search_once(self):
        start = timespec.parse_time_us('2024-05-01T10:00:00Z', 0)
        end = timespec.parse_time_us('2024-05-01T11:00:00.5+01:00', 0)
        windows = timespec.split_window(start, end, 7)
        self.assertEqual(windows[0][0], start)
        self.assertEqual(windows[-1][1], end)
        for (_, last), (first, _) in zip(windows, windows[1:]):
            self.assertEqual(first, last + 1)
        self.assertEqual(timespec.format_rfc3339(start), '2024-05-01T10:00:00Z')
        self.assertEqual(timespec.parse_duration_us('1h30m'), 5_400_000_000)

    @staticmethod
    def help_options(command):
        """{option name: takes a value} of `trace-analyze COMMAND --help`."""
        seen = {}
        for line in run([BINARY, command, '--help']).stdout.splitlines():
            if not line.startswith('  -') or line.startswith('   '):
                continue
            names = line.split()[0].rstrip(',').split(',')
            rest = line.strip()[len(line.split()[0]):]
            takes_value = rest.startswith(' ') and not rest.startswith('  ') and rest.strip() != ''
            for name in names:
                if name not in ('-h', '--help'):
                    seen[name] = takes_value
        return seen

    def test_options_cover_analyze_help(self):
        """Every analyze option has a role, and takes a value as the tool says."""
        seen = self.help_options('analyze')
        table = {n: o.takes_value for o in options.OPTIONS for n in o.names}
        self.assertEqual({n: table.get(n) for n in seen}, seen)

    def test_merge_takes_the_report_options(self):
        merge = self.help_options('merge')
        for option in options.OPTIONS:
            if option.role is options.Role.REPORT:
                for name in option.names:
                    self.assertEqual(merge.get(name), option.takes_value, name)

    def test_progress_lines_when_asked(self):
        stream = io.StringIO()
        line = progress.Progress({'partition': 0, 'shards analysed': 2}, True, stream)
        line.done('shards analysed')
        line.close()
        self.assertRegex(stream.getvalue(), r'^trace-analyze-dask: 1/2 shards analysed, \d+ s\n$')
        quiet = io.StringIO()
        progress.Progress({'merges': 1}, None, quiet).done('merges')
        self.assertEqual(quiet.getvalue(), '')  # not a terminal, not asked

    def test_command_split(self):
        command = options.parse_analyze([
            'analyze', 'a.json', '--format=json', '-o', 'r.json', '--strict', '--top', '0',
            '--cp-mode', 'causal', '--config', 'c.json', 'b/'
        ])
        self.assertEqual(command.inputs, [os.path.abspath('a.json'), os.path.abspath('b/')])
        self.assertEqual(command.report, ['--format', 'json', '-o', 'r.json', '--top', '0'])
        self.assertEqual(command.analysis,
                         ['--strict', '--cp-mode', 'causal', '--config',
                          os.path.abspath('c.json')])
        self.assertEqual(command.partition, ['--strict'])
        with self.assertRaises(options.UsageError):
            options.parse_analyze(['diff', 'a.json'])
        with self.assertRaises(options.UsageError):
            options.parse_analyze(['analyze', '-'])


class ClusterTest(unittest.TestCase):
    """A local cluster of 2 worker processes against the single run."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix='ta-dask-test-')
        cls.inputs = Inputs(cls.tmp.name)
        cls.cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                               dashboard_address='127.0.0.1:0',
                                               silence_logs=50)
        cls.client = distributed.Client(cls.cluster)
        cls.single = cls.reports('single', [BINARY, 'analyze', *cls.inputs.paths])

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.cluster.close()
        cls.tmp.cleanup()

    @classmethod
    def reports(cls, name, argv, code=0):
        """Runs argv with JSON and text reports; returns (json, text, run)."""
        out_json = os.path.join(cls.tmp.name, f'{name}.json')
        out_text = os.path.join(cls.tmp.name, f'{name}.txt')
        done = run([
            *argv, '--top', '0', '--format', 'json', '-o', out_json, '--report',
            f'text={out_text}'
        ])
        assert done.returncode == code, f'{argv}: exit {done.returncode}\n{done.stderr}'
        if not os.path.exists(out_json):
            return None, None, done
        with open(out_json, 'rb') as j, open(out_text, 'rb') as t:
            return j.read(), t.read(), done

    def driver(self, *driver_args):
        return [
            DRIVER, '--scheduler', self.cluster.scheduler_address, '--binary', BINARY,
            '--scratch', self.tmp.name, *driver_args, '--', 'analyze'
        ]

    def assert_same_reports(self, got):
        self.assertEqual(json.loads(got[0])['traces'], json.loads(self.single[0])['traces'])
        self.assertEqual(got[0], self.single[0], 'JSON report differs from the single run')
        self.assertEqual(got[1], self.single[1], 'text report differs from the single run')

    def test_dealt_trace_is_whole(self):
        one, _, _ = self.reports('dealt', [BINARY, 'analyze', *self.inputs.dealt])
        self.assertEqual(json.loads(one)['traces'], 62)

    def test_cluster_report_equals_single_run(self):
        got = self.reports('cluster', [*self.driver('--shards', '5', '--fan-in', '2'),
                                       *self.inputs.paths])
        self.assert_same_reports(got)

    def test_shuffled_spans_equal_single_run(self):
        """Many shards: the span files go through partition.

        The shards' partials report the span files partition read (its record
        beside the shards), not the shard files: the reports are identical.
        """
        argv = [*self.driver('--shards', '24', '--dry-run'), *self.inputs.paths]
        self.assertIn('partition: 6 span files into', run(argv).stdout)
        got = self.reports('shuffled', [*self.driver('--shards', '24'), *self.inputs.paths])
        self.assert_same_reports(got)

    def test_shuffled_broken_span_file_is_listed_like_the_single_run(self):
        """A trace partition skipped is in the report's problems, under its file's name."""
        broken = os.path.join(self.tmp.name, 'broken', 'zz-broken.otlp.json')
        os.makedirs(os.path.dirname(broken), exist_ok=True)
        with open(broken, 'w', encoding='utf-8') as f:
            f.write('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00000000000000000000'
                    '000000abcdef","spanId":"0000000000000002","name":"bad",'
                    '"startTimeUnixNano":{}}]}]}]}\n')
        inputs = [*self.inputs.paths, broken]
        one = self.reports('broken-one', [BINARY, 'analyze', *inputs])
        got = self.reports('broken-dask', [*self.driver('--shards', '24'), *inputs])
        self.assertEqual(json.loads(one[0])['input']['problemsTotal'], 1)
        self.assertIn(broken, json.loads(got[0])['input']['problems'][0])
        self.assertEqual(got[:2], one[:2])

    def jaeger_fixture(self):
        fixture = os.path.join(FIXTURES, 'findings', 'onlineboutique_faultfree_120traces.json.zst')
        return FakeJaeger(json.loads(subprocess.run(['zstd', '-dc', fixture], capture_output=True,
                                                    check=True).stdout)['data'])

    def test_missing_trace_id_labels_the_report_partial_and_exits_3(self):
        server = self.jaeger_fixture()
        ids = [t['traceID'] for _, t in server.traces[:4]]
        ids.insert(2, 'deadbeef')
        fetch = ['--jaeger', server.url, '--api', 'http', '--no-cache']
        fetch += [a for i in ids for a in ('--trace-id', i)]
        try:
            one = self.reports('ids-one', [BINARY, 'analyze', *fetch], code=3)
            got = self.reports('ids-dask', [*self.driver('--shards', '2'), *fetch], code=3)
        finally:
            server.shutdown()
            server.server_close()
        self.assertTrue(json.loads(got[0])['input']['partial'])
        self.assertEqual(json.loads(got[0])['traces'], 4)
        self.assertEqual(got[:2], one[:2])

    def test_jaeger_search_windows_equal_one_search_but_the_bytes(self):
        """The windows tile the search: the same traces, each once, also a trace whose
        frontend spans start on both sides of a window boundary (both windows receive it).

        The bytes received differ (one response envelope per window call).
        """
        server = self.jaeger_fixture()
        start, end = '2022-08-23T16:59:27.991908Z', '2022-08-23T17:00:23.387420Z'
        search = [
            '--jaeger', server.url, '--api', 'http', '--service', 'frontend', '--from', start,
            '--to', end, '--limit', '1000', '--no-cache'
        ]
        windows = timespec.split_window(timespec.parse_time_us(start, 0),
                                        timespec.parse_time_us(end, 0), 5)
        straddling = [
            t['traceID'] for starts, t in server.traces
            if len({i for i, (a, b) in enumerate(windows)
                    for s in starts['frontend'] if a <= s <= b}) > 1
        ]
        self.assertTrue(straddling, 'no trace straddles a window boundary: the test is moot')
        try:
            one, one_text, _ = self.reports('jaeger-one', [BINARY, 'analyze', *search])
            got, got_text, _ = self.reports('jaeger-dask',
                                            [*self.driver('--shards', '5'), *search])
        finally:
            server.shutdown()
            server.server_close()
        one, got = json.loads(one), json.loads(got)
        self.assertEqual(got['traces'], 118)
        del one['input']['bytes'], got['input']['bytes']
        self.assertEqual(got, one)
        self.assertEqual(got_text.split(b'\n')[1:], one_text.split(b'\n')[1:])

    def test_report_never_overwrites_an_input(self):
        target = self.inputs.dealt[0]
        with open(target, 'rb') as f:
            before = f.read()
        done = run([*self.driver(), *self.inputs.paths, '--report', f'json={target}'])
        self.assertEqual(done.returncode, 2)
        self.assertIn('refusing to overwrite an input file', done.stderr)
        with open(target, 'rb') as f:
            self.assertEqual(f.read(), before)

    def test_local_workers_report_equals_single_run(self):
        got = self.reports('local', [
            DRIVER, '--local-workers', '2', '--binary', BINARY, '--', 'analyze',
            *self.inputs.paths
        ])
        self.assert_same_reports(got)

    def test_killed_worker_loses_nothing(self):
        marker = os.path.join(self.tmp.name, 'killed')
        self.client.register_worker_plugin(KillOnce(marker), name='kill-once')
        got = self.reports('killed', [*self.driver('--shards', '4'), *self.inputs.paths])
        with open(marker, encoding='utf-8') as f:
            self.assertIn('killed while', f.read())
        self.assert_same_reports(got)
        self.client.wait_for_workers(2, timeout=30)

    def test_failing_shard_is_named_and_exits_2(self):
        corrupt = os.path.join(self.tmp.name, 'corrupt', 'broken-trace.json')
        os.makedirs(os.path.dirname(corrupt), exist_ok=True)
        with open(corrupt, 'w', encoding='utf-8') as f:
            f.write('{"data":[{"traceID":"ab","spans":[{"traceID":"ab","spanID":7,'
                    '"startTime":"x"}],"processes":{}}]}')
        _, _, done = self.reports(
            'corrupt', [*self.driver('--shards', '12'), '--strict', *self.inputs.paths, corrupt],
            code=2)
        self.assertRegex(done.stderr, r'shard \d+/\d+ \(1 file: broken-trace.json\)')
        self.assertIn(corrupt, done.stderr)  # the tool's own message, naming the file
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, 'corrupt.json')))


if __name__ == '__main__':
    unittest.main(verbosity=2)
