#include "analyzer/analyze.h"

#include <utility>
#include <vector>

namespace trace_analyze::analyzer {

AnalyzeSession::AnalyzeSession(const AnalysisOptions& analysis, AnalyzeOptions options)
    : options_(options),
      analyzer_(analysis),
      sampler_(kSampleCapacity, kSampleSeed, kMaxSampledSections, analysis.approx_quantiles) {}

void AnalyzeSession::Observe(const Trace& trace, const CriticalPath& path) {
  sampler_.Offer(trace, path);
}

AnalyzeResult AnalyzeSession::Finish(InputSummary input, const DataQuality& quality) const {
  return BuildAnalyzeResult(analyzer_, sampler_, options_, std::move(input), quality);
}

AnalyzeResult BuildAnalyzeResult(const TraceAnalyzer& analyzer, const PathSampler& sampler,
                                 const AnalyzeOptions& options, InputSummary input,
                                 const DataQuality& quality) {
  const AnalysisOptions& analysis = analyzer.options();
  AnalyzeResult result;
  result.cp_mode = CpModeName(analysis.cp.mode);
  result.input = std::move(input);
  result.quality = quality;
  result.profile = BuildProfileReport(analyzer.profile(), options.top);
  static constexpr double kRepresentative[] = {50, 95};
  result.representatives = sampler.Representatives(kRepresentative);
  result.fail_on_findings = options.fail_on_findings;
  result.findings_enabled = analysis.find_bottlenecks;
  if (result.findings_enabled) {
    result.findings = analyzer.findings().Build(analysis.detectors);
    for (const Finding& f : result.findings) {
      result.high_confidence += !f.suppressed && f.confidence == Confidence::kHigh;
    }
    if (options.top > 0) {
      // Suppressed findings rank last: keep the first `top` shown, and them.
      std::vector<Finding> kept;
      size_t shown = 0;
      for (Finding& f : result.findings) {
        if (f.suppressed || shown++ < options.top) kept.push_back(std::move(f));
      }
      result.findings = std::move(kept);
    }
  }
  result.pass = !(result.fail_on_findings && result.high_confidence > 0);
  return result;
}

}  // namespace trace_analyze::analyzer
