// Fuzz target: reading partial results (partial/partial.h). The input is
// tried as a whole file (header, sizes, checksum) and, so that mutations
// reach the state loaders behind the checksum, as the payload of a valid
// frame of each kind. A loaded partial must encode, build its findings and
// representative traces without a crash; any input gives a partial or an
// Error, never a crash or an escaping exception.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "analyzer/profile.h"
#include "partial/partial.h"

namespace {

using trace_analyze::partial::Kind;
using trace_analyze::partial::Partial;

void Exercise(std::string_view bytes) {
  auto p = Partial::Decode(bytes, "fuzz.tap");
  if (!p.ok()) return;
  const Partial& part = *p.value();
  (void)part.Encode();
  (void)part.analyzer().findings().Build(part.analysis().detectors);
  (void)trace_analyze::analyzer::BuildProfileReport(part.analyzer().profile(), 0);
  if (part.kind() == Kind::kAnalyze) {
    const std::vector<double> ps = {50, 95};
    (void)part.sampler().Representatives(ps);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  Exercise(in);
  for (Kind kind : {Kind::kAnalyze, Kind::kBaseline, Kind::kCandidate}) {
    Exercise(trace_analyze::partial::Frame(kind, in));
  }
  return 0;
}
