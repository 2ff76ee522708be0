#include "reports/markdown_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "reports/escape.h"
#include "reports/format.h"
#include "reports/markdown_util.h"

namespace trace_analyze::reports {
namespace {

std::string Op(const analyzer::OpName& op) {
  if (op.service.empty()) return EscapeMarkdown(op.operation);
  return EscapeMarkdown(op.service) + " · " + EscapeMarkdown(op.operation);
}

void WriteQuality(const analyzer::InputSummary& in, const analyzer::DataQuality& q,
                  std::ostream& out) {
  out << "<details><summary>Data quality</summary>\n\n| counter | value |\n|---|---:|\n";
  q.ForEach(
      [&](std::string_view name, uint64_t v) { out << "| " << name << " | " << v << " |\n"; });
  if (in.problems_total > 0) {
    out << fmt::format("\n{} piece(s) of input skipped:\n\n", in.problems_total);
    for (const std::string& p : in.problems) out << "- " << EscapeMarkdown(p) << '\n';
  }
  out << "\n</details>\n";
}

// The report is cut to kMaxMarkdownChars (TruncateMarkdown), so the traces'
// text is kept only until it alone exceeds that: the cut falls before its
// end whatever the heading, and the traces after it are only counted.
class MarkdownCriticalPathSink : public CriticalPathSink {
 public:
  explicit MarkdownCriticalPathSink(std::string_view ui_url) { links_.ui_url = ui_url; }

  void Add(const analyzer::TracePath& t) override {
    ++traces_;
    if (traces_text_.size() > kMaxMarkdownChars) return;
    auto out = std::back_inserter(traces_text_);
    fmt::format_to(out, "\n### Trace {}: {} ms, critical path {} ms\n\n",
                   MarkdownTraceRef(links_, t.trace_id), FormatMs(t.duration_us),
                   FormatMs(t.critical_path_us));
    fmt::format_to(out, "| on path ms | share | self ms | span |\n|---:|---:|---:|---|\n");
    for (const analyzer::PathSpan& s : t.spans) {
      const double share = t.critical_path_us > 0 ? static_cast<double>(s.critical_us) /
                                                        static_cast<double>(t.critical_path_us)
                                                  : 0.0;
      fmt::format_to(out, "| {} | {} | {} | {}{} |\n", FormatMs(s.critical_us),
                     FormatPercent(share), FormatMs(s.self_us),
                     std::string(std::min<size_t>(s.depth, 10) * 2, '.'), Op(s.name));
    }
  }

  Status Finish(const analyzer::CriticalPathSummary& summary, std::ostream& os) override {
    assert(summary.input.ui_url == links_.ui_url && summary.traces == traces_);
    std::ostringstream out;
    out << fmt::format("{}**trace-analyze critical path** ({} mode), {} trace(s){}\n",
                       summary.input.partial ? "⚠️ " : "", summary.cp_mode, summary.traces,
                       summary.input.partial ? " — **partial results**" : "");
    if (summary.input.partial) {
      out << '\n';
      WriteMarkdownPartial(summary.input, out);
    }
    out << traces_text_ << '\n';
    WriteQuality(summary.input, summary.quality, out);
    os << TruncateMarkdown(out.str(), kMaxMarkdownChars);
    return OkStatus();
  }

 private:
  analyzer::InputSummary links_;  // only ui_url: where trace ids link
  std::string traces_text_;
  uint64_t traces_ = 0;
};

}  // namespace

std::string TruncateMarkdown(std::string text, size_t limit) {
  if (text.size() <= limit) return text;
  const std::string note =
      "\n\n> **Report truncated** to fit a pull-request comment; see the JSON or HTML report "
      "for everything.\n";
  const std::string close = "\n</details>";
  const size_t budget = note.size() + close.size();
  size_t cut = text.rfind('\n', limit > budget ? limit - budget : 0);
  if (cut == std::string::npos) cut = 0;
  text.resize(cut);
  // Close a <details> block left open by the cut.
  const size_t opened = text.rfind("<details>");
  const size_t closed = text.rfind("</details>");
  if (opened != std::string::npos && (closed == std::string::npos || closed < opened)) {
    text += close;
  }
  return text + note;
}

void MarkdownWriter::WriteAnalyze(const analyzer::AnalyzeResult& result, const WriteOptions&,
                                  std::ostream& os) const {
  std::ostringstream out;
  const analyzer::ProfileReport& p = result.profile;
  const uint64_t high = result.high_confidence;  // of all findings, shown or not
  const bool failed = result.fail_on_findings && high > 0;
  size_t shown = 0;
  for (const analyzer::Finding& f : result.findings) shown += f.suppressed ? 0 : 1;
  const bool partial = result.input.partial;
  out << fmt::format("{} **trace-analyze**: {} traces, {} findings ({} high confidence){}{}\n\n",
                     failed    ? "❌"
                     : partial ? "⚠️"
                               : "✅",
                     p.traces, shown, high, failed ? " — failing on high-confidence findings" : "",
                     partial ? " — **partial results**" : "");
  if (partial) {
    WriteMarkdownPartial(result.input, out);
    out << '\n';
  }
  if (!p.root_latency.empty()) {
    const analyzer::RootLatencyRow& all = p.root_latency.front();
    out << fmt::format(
        "Latency p50 **{} ms**, p95 **{} ms**, p99 {} ms; critical-path mode: {}.\n\n",
        FormatMs(all.p50_us), FormatMs(all.p95_us), FormatMs(all.p99_us), result.cp_mode);
  }
  out << "| root operation | traces | errors | p50 ms | p95 ms | p99 ms | max ms |\n"
         "|---|---:|---:|---:|---:|---:|---:|\n";
  for (const analyzer::RootLatencyRow& r : p.root_latency) {
    out << fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", Op(r.root), r.traces, r.errors,
                       FormatMs(r.p50_us), FormatMs(r.p95_us), FormatMs(r.p99_us),
                       FormatMs(r.max_us));
  }

  if (result.findings_enabled) {
    out << "\n### Findings\n\n";
    if (shown == 0) out << "No bottleneck found.\n";
    size_t rank = 0;
    for (const analyzer::Finding& f : result.findings) {
      if (f.suppressed) continue;
      const std::string what = RunLabel(f.run, f.sequence, Op);
      out << fmt::format(
          "{}. **{}** ({} confidence): {} under {} — saves **{} ms** p50 ({} p95) per trace, "
          "{} instances in {} traces. `{}`\n",
          ++rank, analyzer::FindingKindName(f.kind), analyzer::ConfidenceName(f.confidence), what,
          Op(f.parent), FormatMs(f.realistic.p50_us), FormatMs(f.realistic.p95_us), f.instances,
          f.traces, f.fingerprint);
      out << "   <details><summary>evidence</summary>\n\n";
      for (size_t i = FirstEvidenceReason(f); i < f.reasons.size(); ++i) {
        out << "   - " << EscapeMarkdown(f.reasons[i]) << '\n';
      }
      if (!f.example_trace_ids.empty()) {
        out << "   - example traces:";
        for (const std::string& id : f.example_trace_ids)
          out << ' ' << MarkdownTraceRef(result.input, id);
        out << '\n';
      }
      out << "\n   </details>\n";
    }
  }

  out << "\n<details><summary>Critical path by service</summary>\n\n"
         "| service | on path ms | share | p50 ms | p95 ms | p99 ms |\n"
         "|---|---:|---:|---:|---:|---:|\n";
  for (const analyzer::ProfileRow& r : p.by_service) {
    out << fmt::format("| {} | {} | {} | {} | {} | {} |\n", EscapeMarkdown(r.name.service),
                       FormatMs(r.critical_us), FormatPercent(r.share), FormatMs(r.p50_us),
                       FormatMs(r.p95_us), FormatMs(r.p99_us));
  }
  out << "\n</details>\n\n<details><summary>Critical path by operation</summary>\n\n"
         "| operation | on path ms | share | p50 ms | p95 ms | p99 ms |\n"
         "|---|---:|---:|---:|---:|---:|\n";
  for (const analyzer::ProfileRow& r : p.by_operation) {
    out << fmt::format("| {} | {} | {} | {} | {} | {} |\n", Op(r.name), FormatMs(r.critical_us),
                       FormatPercent(r.share), FormatMs(r.p50_us), FormatMs(r.p95_us),
                       FormatMs(r.p99_us));
  }
  out << "\n</details>\n\n";
  WriteQuality(result.input, result.quality, out);
  os << TruncateMarkdown(out.str(), kMaxMarkdownChars);
}

std::unique_ptr<CriticalPathSink> MarkdownWriter::NewCriticalPathSink(
    const WriteOptions&, std::string_view ui_url) const {
  return std::make_unique<MarkdownCriticalPathSink>(ui_url);
}

}  // namespace trace_analyze::reports
