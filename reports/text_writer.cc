#include "reports/text_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "reports/escape.h"
#include "reports/format.h"
#include "reports/spill_buffer.h"
#include "reports/text_table.h"
#include "reports/text_util.h"

namespace trace_analyze::reports {
namespace {

using Align = TextTable::Align;

void WriteInput(const analyzer::InputSummary& in, const analyzer::DataQuality& q,
                const WriteOptions& o, std::ostream& out) {
  out << '\n' << Heading(o, "Data quality") << '\n';
  // Two counters per line, in the documented order; all of them, zeros too.
  std::vector<std::pair<std::string, uint64_t>> counters;
  q.ForEach([&](std::string_view n, uint64_t v) { counters.emplace_back(std::string(n), v); });
  for (size_t i = 0; i < counters.size(); i += 2) {
    std::string line = fmt::format("  {:<24}{:>10}", counters[i].first, counters[i].second);
    if (i + 1 < counters.size()) {
      line += fmt::format("    {:<24}{:>10}", counters[i + 1].first, counters[i + 1].second);
    }
    out << line << '\n';
  }
  if (in.problems_total > 0) {
    out << '\n'
        << Heading(o, fmt::format("Skipped input ({})", Plural(in.problems_total, "problem")))
        << '\n';
    for (const std::string& p : in.problems) out << "  " << Safe(p) << '\n';
    if (in.problems_total > in.problems.size()) {
      out << fmt::format("  … and {} more\n", in.problems_total - in.problems.size());
    }
  }
}

void WriteFindings(const std::vector<analyzer::Finding>& findings, const WriteOptions& o,
                   std::ostream& out) {
  size_t shown = 0, suppressed = 0;
  for (const analyzer::Finding& f : findings) (f.suppressed ? suppressed : shown)++;
  out << '\n' << Heading(o, fmt::format("Findings ({})", shown)) << '\n';
  if (shown == 0) out << "  none\n";
  size_t rank = 0;
  for (const analyzer::Finding& f : findings) {
    if (f.suppressed) continue;
    out << fmt::format("  {}. [{}] {} confidence, saves {} ms/trace p50 ({} p95), {} in {}\n",
                       ++rank, analyzer::FindingKindName(f.kind),
                       analyzer::ConfidenceName(f.confidence), FormatMs(f.realistic.p50_us),
                       FormatMs(f.realistic.p95_us), Plural(f.instances, "instance"),
                       Plural(f.traces, "trace"));
    for (const std::string& r : f.reasons) out << "     - " << Safe(r) << '\n';
    out << fmt::format("     optimistic bound {} ms p50 ({} of trace); fingerprint {}\n",
                       FormatMs(f.optimistic.p50_us), FormatPercent(f.optimistic.p50_share),
                       f.fingerprint);
    if (!f.example_key.empty()) out << "     e.g. " << Safe(f.example_key) << '\n';
    if (!f.example_trace_ids.empty()) {
      std::string ids;
      for (const std::string& id : f.example_trace_ids) ids += (ids.empty() ? "" : ", ") + Safe(id);
      out << "     example traces: " << ids << '\n';
    }
  }
  if (suppressed > 0) {
    out << fmt::format("  ({} suppressed by the config)\n", suppressed);
  }
}

std::string Source(const analyzer::InputSummary& in) {
  if (!in.server.empty()) return Safe(in.server);
  return fmt::format("{} ({})", Plural(in.files, "file"), FormatBytes(in.bytes));
}

// Each trace's waterfall and span table as it comes; the partial-results
// banner, which comes first, and the data quality at the end.
class TextCriticalPathSink : public CriticalPathSink {
 public:
  explicit TextCriticalPathSink(const WriteOptions& o) : o_(o), spill_(o.spill_bytes) {}

  void Add(const analyzer::TracePath& t) override {
    static constexpr const char* kPalette[] = {"\x1b[36m", "\x1b[33m", "\x1b[35m",
                                               "\x1b[32m", "\x1b[34m", "\x1b[31m"};
    const int bar_width = std::max(20, o_.width - 60);
    std::ostringstream out;
    if (traces_++ > 0) out << '\n';
    out << Heading(o_, fmt::format("Trace {}", Safe(t.trace_id)))
        << fmt::format("  duration {} ms, critical path {} ms, {}\n", FormatMs(t.duration_us),
                       FormatMs(t.critical_path_us), Plural(t.sections.size(), "section"));

    // Waterfall: one line per section, bar placed on the trace's time axis.
    std::vector<std::string> services;  // first-seen order, for colours
    TextTable table({{"start"},
                     {"length"},
                     {"service", Align::kLeft, 24},
                     {"operation", Align::kLeft, 32},
                     {"", Align::kLeft, 0}});
    const double scale = t.duration_us > 0
                             ? static_cast<double>(bar_width) / static_cast<double>(t.duration_us)
                             : 0.0;
    for (const analyzer::PathSection& s : t.sections) {
      const int from = static_cast<int>(static_cast<double>(s.start_us - t.start_us) * scale);
      int to = static_cast<int>(static_cast<double>(s.end_us - t.start_us) * scale);
      to = std::clamp(std::max(to, from + 1), 1, bar_width);
      const int lead = std::clamp(from, 0, bar_width - 1);
      std::string bar(1, '|');
      bar.append(static_cast<size_t>(lead), ' ');
      std::string fill;
      for (int i = lead; i < to; ++i) fill += "█";
      if (o_.color) {
        auto it = std::find(services.begin(), services.end(), s.name.service);
        size_t idx = static_cast<size_t>(it - services.begin());
        if (it == services.end()) services.push_back(s.name.service);
        fill.insert(0, kPalette[idx % std::size(kPalette)]);
        fill += "\x1b[0m";
      }
      bar += fill;
      table.AddRow({FormatMs(s.start_us - t.start_us), FormatMs(s.end_us - s.start_us),
                    Safe(s.name.service), Safe(s.name.operation), bar});
    }
    table.Write(out);

    out << "\n  Spans on the critical path (ms)\n";
    TextTable spans({{"on path"},
                     {"share"},
                     {"self"},
                     {"duration"},
                     {"service / operation", Align::kLeft, 70},
                     {"span", Align::kLeft}});
    for (const analyzer::PathSpan& s : t.spans) {
      const double share = t.critical_path_us > 0 ? static_cast<double>(s.critical_us) /
                                                        static_cast<double>(t.critical_path_us)
                                                  : 0.0;
      spans.AddRow({FormatMs(s.critical_us), FormatPercent(share), FormatMs(s.self_us),
                    FormatMs(s.duration_us),
                    std::string(std::min<size_t>(s.depth, 20) * 2, ' ') +
                        Safe(s.name.service + " " + s.name.operation),
                    Safe(s.span_id)});
    }
    spans.Write(out, 4);
    spill_.Append(out.view());
  }

  Status Finish(const analyzer::CriticalPathSummary& summary, std::ostream& out) override {
    if (Status spilled = spill_.status(); !spilled.ok()) return spilled;
    WritePartial(summary.input, o_, out);
    if (Status copied = spill_.CopyTo(out); !copied.ok()) return copied;
    if (traces_ == 0) out << "no traces\n";
    WriteInput(summary.input, summary.quality, o_, out);
    return OkStatus();
  }

 private:
  WriteOptions o_;
  SpillBuffer spill_;
  uint64_t traces_ = 0;
};

}  // namespace

void TextWriter::WriteAnalyze(const analyzer::AnalyzeResult& result, const WriteOptions& o,
                              std::ostream& out) const {
  const analyzer::ProfileReport& p = result.profile;
  WritePartial(result.input, o, out);
  out << fmt::format("trace-analyze: {}, {} from {}, critical path: {} mode\n",
                     Plural(p.traces, "trace"), Plural(result.quality.spans, "span"),
                     Source(result.input), result.cp_mode);

  out << '\n' << Heading(o, "Latency by root operation (ms)") << '\n';
  TextTable latency({{"root operation", Align::kLeft},
                     {"traces"},
                     {"errors"},
                     {"p50"},
                     {"p90"},
                     {"p95"},
                     {"p99"},
                     {"max"}});
  for (const analyzer::RootLatencyRow& r : p.root_latency) {
    latency.AddRow({Safe(OpLabel(r.root)), std::to_string(r.traces), std::to_string(r.errors),
                    FormatMs(r.p50_us), FormatMs(r.p90_us), FormatMs(r.p95_us), FormatMs(r.p99_us),
                    FormatMs(r.max_us)});
  }
  latency.Write(out);

  const auto write_profile = [&](const std::string& title,
                                 const std::vector<analyzer::ProfileRow>& rows,
                                 bool with_operation) {
    out << '\n' << Heading(o, title) << '\n';
    std::vector<TextTable::Column> cols = {{"service", Align::kLeft, 40}};
    if (with_operation) cols.push_back({"operation", Align::kLeft, 50});
    for (const char* h : {"on path", "share", "p50", "p95", "p99", "traces"}) cols.push_back({h});
    TextTable table(std::move(cols));
    for (const analyzer::ProfileRow& r : rows) {
      std::vector<std::string> cells = {Safe(r.name.service)};
      if (with_operation) cells.push_back(Safe(r.name.operation));
      for (std::string c : {FormatMs(r.critical_us), FormatPercent(r.share), FormatMs(r.p50_us),
                            FormatMs(r.p95_us), FormatMs(r.p99_us), std::to_string(r.traces)}) {
        cells.push_back(std::move(c));
      }
      table.AddRow(std::move(cells));
    }
    table.Write(out);
  };
  write_profile("Critical path by service (ms; p50/p95/p99 per trace)", p.by_service, false);
  write_profile("Critical path by operation (ms; p50/p95/p99 per trace)", p.by_operation, true);

  out << '\n' << Heading(o, "Heaviest critical-path spans (ms)") << '\n';
  TextTable heavy({{"on path"},
                   {"duration"},
                   {"service", Align::kLeft, 40},
                   {"operation", Align::kLeft, 50},
                   {"trace", Align::kLeft},
                   {"span", Align::kLeft}});
  for (const analyzer::HeavySpan& h : p.heaviest) {
    heavy.AddRow({FormatMs(h.critical_us), FormatMs(h.duration_us), Safe(h.name.service),
                  Safe(h.name.operation), Safe(h.trace_id), Safe(h.span_id)});
  }
  heavy.Write(out);

  if (result.findings_enabled) WriteFindings(result.findings, o, out);
  WriteInput(result.input, result.quality, o, out);
}

std::unique_ptr<CriticalPathSink> TextWriter::NewCriticalPathSink(const WriteOptions& options,
                                                                  std::string_view) const {
  return std::make_unique<TextCriticalPathSink>(options);
}

}  // namespace trace_analyze::reports
