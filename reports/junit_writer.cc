#include "reports/junit_writer.h"

#include <fmt/format.h>

#include <cassert>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/reason_text.h"
#include "reports/diff_format.h"
#include "reports/escape.h"
#include "reports/format.h"
#include "reports/spill_buffer.h"

namespace trace_analyze::reports {
namespace {

struct TestCase {
  std::string classname;
  std::string name;
  std::string failure;  // "" = passed
  std::string output;   // system-out
};

using PropertyList = std::vector<std::pair<std::string, std::string>>;

// Suite properties: where the traces came from and whether the result is
// partial (only for a Jaeger server; file input has none). `prefix` names a
// diff side: "baseline.partial".
void AddProperties(const analyzer::InputSummary& in, const std::string& prefix,
                   PropertyList& props) {
  if (in.server.empty()) return;
  props.emplace_back(prefix + "jaeger.server", in.server);
  if (!in.ui_url.empty()) props.emplace_back(prefix + "jaeger.ui", in.ui_url);
  props.emplace_back(prefix + "partial", in.partial ? "true" : "false");
  for (const std::string& reason : in.partial_reasons) {
    props.emplace_back(prefix + "partial.reason", reason);
  }
}

PropertyList Properties(const analyzer::InputSummary& in) {
  PropertyList props;
  AddProperties(in, "", props);
  return props;
}

// A partial result fails the input testcase, so CI shows it next to the
// findings; the reasons are its body.
void MarkPartial(const analyzer::InputSummary& in, TestCase& input) {
  if (!in.partial) return;
  input.failure = "partial results: not every requested trace could be read" +
                  (in.server.empty() ? std::string() : " from " + in.server);
  std::string reasons;
  for (const std::string& reason : in.partial_reasons) reasons += reason + "\n";
  input.output = reasons + input.output;
}

std::string Source(const analyzer::InputSummary& in) {
  if (!in.server.empty()) return in.server;
  return fmt::format("{} files", in.files);
}

// The XML declaration, <testsuites>, <testsuite> and its properties, for
// `tests` testcases of which `failures` fail.
void WriteSuiteHead(const std::string& suite, const PropertyList& properties, uint64_t tests,
                    uint64_t failures, std::ostream& out) {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format("<testsuites name=\"trace-analyze\" tests=\"{}\" failures=\"{}\">\n", tests,
                     failures);
  out << fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
                     EscapeXml(suite), tests, failures);
  if (!properties.empty()) {
    out << "    <properties>\n";
    for (const auto& [name, value] : properties) {
      out << fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", EscapeXml(name),
                         EscapeXml(value));
    }
    out << "    </properties>\n";
  }
}

void WriteCase(const TestCase& c, std::ostream& out) {
  out << fmt::format("    <testcase classname=\"{}\" name=\"{}\"", EscapeXml(c.classname),
                     EscapeXml(c.name));
  if (c.failure.empty() && c.output.empty()) {
    out << "/>\n";
    return;
  }
  out << ">\n";
  if (!c.failure.empty()) {
    out << fmt::format("      <failure message=\"{}\">{}</failure>\n", EscapeXml(c.failure),
                       EscapeXml(c.output));
  } else {
    out << fmt::format("      <system-out>{}</system-out>\n", EscapeXml(c.output));
  }
  out << "    </testcase>\n";
}

void WriteSuiteTail(std::ostream& out) { out << "  </testsuite>\n</testsuites>\n"; }

void WriteSuite(const std::string& suite, const PropertyList& properties,
                const std::vector<TestCase>& cases, std::ostream& out) {
  size_t failures = 0;
  for (const TestCase& c : cases) failures += c.failure.empty() ? 0 : 1;
  WriteSuiteHead(suite, properties, cases.size(), failures, out);
  for (const TestCase& c : cases) WriteCase(c, out);
  WriteSuiteTail(out);
}

// One passing testcase per trace, written as the trace comes; the suite's
// head counts them and, from a server, holds the input testcase.
class JunitCriticalPathSink : public CriticalPathSink {
 public:
  explicit JunitCriticalPathSink(const WriteOptions& o) : cases_(o.spill_bytes) {}

  void Add(const analyzer::TracePath& t) override {
    ++traces_;
    TestCase c{"trace-analyze.critical-path", "trace " + t.trace_id, "", ""};
    c.output =
        fmt::format("duration {} ms, critical path {} ms, {} sections\n", FormatMs(t.duration_us),
                    FormatMs(t.critical_path_us), t.sections.size());
    for (const analyzer::PathSpan& s : t.spans) {
      c.output +=
          fmt::format("{} ms {} {}\n", FormatMs(s.critical_us), s.name.service, s.name.operation);
    }
    text_.str("");
    WriteCase(c, text_);
    cases_.Append(text_.view());
  }

  Status Finish(const analyzer::CriticalPathSummary& summary, std::ostream& out) override {
    assert(summary.traces == traces_);
    if (Status spilled = cases_.status(); !spilled.ok()) return spilled;
    std::optional<TestCase> input;
    if (!summary.input.server.empty()) {
      // From a server, whether every requested trace arrived is a check of its own.
      input = TestCase{"trace-analyze.input", "requested traces were read", "", ""};
      input->output = fmt::format("{} traces from {}", traces_, summary.input.server);
      MarkPartial(summary.input, *input);
    }
    WriteSuiteHead("trace-analyze critical-path", Properties(summary.input),
                   traces_ + (input ? 1 : 0), input && !input->failure.empty() ? 1 : 0, out);
    if (input) WriteCase(*input, out);
    if (Status copied = cases_.CopyTo(out); !copied.ok()) return copied;
    WriteSuiteTail(out);
    return OkStatus();
  }

 private:
  std::ostringstream text_;  // one testcase, reused
  SpillBuffer cases_;
  uint64_t traces_ = 0;
};

}  // namespace

void JunitWriter::WriteAnalyze(const analyzer::AnalyzeResult& result, const WriteOptions&,
                               std::ostream& out) const {
  std::vector<TestCase> cases;
  TestCase input{"trace-analyze.input", "input is readable", "", ""};
  input.output =
      fmt::format("{} traces, {} spans from {}; {} pieces of input skipped", result.profile.traces,
                  result.quality.spans, Source(result.input), result.input.problems_total);
  MarkPartial(result.input, input);
  cases.push_back(std::move(input));
  if (result.fail_on_findings) {
    uint64_t listed = 0;
    for (const analyzer::Finding& f : result.findings) {
      if (f.suppressed || f.confidence != analyzer::Confidence::kHigh) continue;
      ++listed;
      const std::string what = RunLabel(f.run, f.sequence, analyzer::Describe, " -> ");
      TestCase c;
      c.classname = std::string("trace-analyze.findings.") + analyzer::FindingKindName(f.kind);
      c.name = fmt::format("{} under {} [{}]", what, analyzer::Describe(f.parent), f.fingerprint);
      c.failure = fmt::format(
          "{}: saves {} ms per trace (p50), {} ms (p95); {} instances in {} "
          "traces",
          analyzer::FindingKindName(f.kind), FormatMs(f.realistic.p50_us),
          FormatMs(f.realistic.p95_us), f.instances, f.traces);
      for (size_t i = FirstEvidenceReason(f); i < f.reasons.size(); ++i)
        c.output += f.reasons[i] + "\n";
      cases.push_back(std::move(c));
    }
    // The gate judges every finding: those beyond --top fail too.
    if (result.high_confidence > listed) {
      TestCase c;
      c.classname = "trace-analyze.findings";
      c.name = "high-confidence findings beyond --top";
      c.failure = fmt::format(
          "{} more high-confidence finding{} not shown: run with --top 0 to list them",
          result.high_confidence - listed, result.high_confidence - listed == 1 ? "" : "s");
      cases.push_back(std::move(c));
    }
  }
  WriteSuite("trace-analyze analyze", Properties(result.input), cases, out);
}

std::unique_ptr<CriticalPathSink> JunitWriter::NewCriticalPathSink(const WriteOptions& options,
                                                                   std::string_view) const {
  return std::make_unique<JunitCriticalPathSink>(options);
}

void JunitWriter::WriteDiff(const analyzer::DiffResult& result, const WriteOptions&,
                            std::ostream& out) const {
  std::vector<TestCase> cases;
  PropertyList properties;
  for (const auto& [side, s] :
       {std::pair{"baseline", &result.baseline}, std::pair{"candidate", &result.candidate}}) {
    TestCase c{"trace-analyze.input", fmt::format("{} input is readable", side), "", ""};
    c.output = fmt::format("{} traces, {} spans from {}; {} pieces of input skipped", s->traces,
                           s->quality.spans, DiffSideSource(*s), s->input.problems_total);
    MarkPartial(s->input, c);
    cases.push_back(std::move(c));
    AddProperties(s->input, std::string(side) + ".", properties);
    if (!s->window_start.empty()) {
      properties.emplace_back(std::string(side) + ".window",
                              s->window_start + ".." + s->window_end);
    }
  }
  for (const analyzer::TargetRow& t : result.targets) {
    TestCase c;
    c.classname = "trace-analyze." + result.command + ".targets";
    c.name = fmt::format("{} {} {}", t.name, t.op, TargetLevel(t.target, t.unit));
    const std::string numbers = fmt::format(
        "{}: measured {}, goal {} {}{}, {} from the goal", analyzer::TargetStatusName(t.status),
        t.value ? TargetLevel(*t.value, t.unit) : kNa, t.op, TargetLevel(t.target, t.unit),
        t.acceptable ? fmt::format(" (acceptable {} {})", t.op, TargetLevel(*t.acceptable, t.unit))
                     : "",
        t.distance ? SignedTargetLevel(*t.distance, t.unit) : kNa);
    if (t.status == analyzer::TargetStatus::kFail) c.failure = numbers;
    c.output = (c.failure.empty() ? numbers + "\n" : "") + TargetReason(result, t) + " (" +
               t.origin + ")\n";
    cases.push_back(std::move(c));
  }
  WriteSuite("trace-analyze " + result.command, properties, cases, out);
}

}  // namespace trace_analyze::reports
