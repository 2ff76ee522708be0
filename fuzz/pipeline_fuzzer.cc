// Fuzz target: the whole pipeline, as `analyze` and `critical-path` run it:
// DecodeBuffer (sniffing, gzip/zstd, splitting, every decoder) -> TraceAnalyzer
// (Normalize, clock skew, critical path, summary, bottleneck detectors) ->
// profile and findings -> every report writer. The first input byte picks the
// options. Checks the model's invariants and that every report is valid UTF-8
// (and the JSON report valid JSON).
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/path_sampler.h"
#include "analyzer/results.h"
#include "fuzz/fuzz_checks.h"
#include "input/input.h"
#include "reports/writer.h"

namespace {

namespace analyzer = trace_analyze::analyzer;
namespace fuzz = trace_analyze::fuzz;

void CheckReport(const trace_analyze::reports::ReportWriter& writer, const std::string& text) {
  TA_FUZZ_CHECK(fuzz::IsValidUtf8(text));
  if (writer.name() == "json") {
    static simdjson::dom::parser parser;
    simdjson::dom::element doc;
    TA_FUZZ_CHECK(!parser.parse(text).get(doc));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

  analyzer::AnalysisOptions options;
  options.cp.mode = (flags & 1) ? analyzer::CpMode::kCausal : analyzer::CpMode::kJaeger;
  options.adjust_clock_skew = (flags & 2) != 0;
  analyzer::TraceAnalyzer trace_analyzer(options);
  analyzer::PathSampler sampler(4);
  analyzer::CriticalPathResult paths;
  trace_analyze::input::ReadOptions read;
  read.strict = (flags & 4) != 0;
  trace_analyze::input::ReadStats stats;
  const trace_analyze::Status status = trace_analyze::input::DecodeBuffer(
      bytes, "fuzz", read,
      [&](analyzer::Trace& trace) -> trace_analyze::Status {
        fuzz::CheckDecoded(trace);
        const analyzer::CriticalPath& path = trace_analyzer.Analyze(trace);
        fuzz::CheckNormalized(trace);
        fuzz::CheckCriticalPath(trace, path);
        sampler.Offer(trace, path);
        if (paths.traces.size() < 4) paths.traces.push_back(analyzer::MakeTracePath(trace, path));
        return trace_analyze::OkStatus();
      },
      &stats);
  if (!status.ok()) TA_FUZZ_CHECK(!status.error().message.empty());

  analyzer::AnalyzeResult result;
  result.cp_mode = analyzer::CpModeName(options.cp.mode);
  result.input.files = stats.files;
  result.input.bytes = stats.bytes;
  result.input.problems_total = stats.problems_total;
  for (const auto& p : stats.problems) {
    if (result.input.problems.size() < 20) result.input.problems.push_back(p.ToString());
  }
  result.quality = trace_analyzer.profile().quality();
  result.quality.Merge(stats.quality);
  result.profile = analyzer::BuildProfileReport(trace_analyzer.profile(), 10);
  static constexpr double kRepresentative[] = {50, 95};
  result.representatives = sampler.Representatives(kRepresentative);
  result.findings = trace_analyzer.findings().Build(options.detectors);
  paths.cp_mode = result.cp_mode;
  paths.input = result.input;
  paths.quality = result.quality;

  for (const trace_analyze::reports::ReportWriter* writer :
       trace_analyze::reports::AllReportWriters()) {
    std::ostringstream analyze_out;
    writer->WriteAnalyze(result, {}, analyze_out);
    CheckReport(*writer, analyze_out.str());
    std::ostringstream path_out;
    writer->WriteCriticalPath(paths, {}, path_out);
    CheckReport(*writer, path_out.str());
  }
  return 0;
}
