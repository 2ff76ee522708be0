// The registry of detectors: one line per detector, in the order they observe
// a trace. A detector's factory is defined in its own file.
#include "analyzer/detector.h"

namespace trace_analyze::analyzer {

const Detector& NPlusOneDetectorInstance();      // n_plus_one_detector.cc
const Detector& RepeatedCallDetectorInstance();  // repeated_call_detector.cc
const Detector& SequentialDetectorInstance();    // sequential_detector.cc

std::span<const Detector* const> Detectors() {
  static const Detector* const kDetectors[] = {
      &NPlusOneDetectorInstance(),
      &RepeatedCallDetectorInstance(),
      &SequentialDetectorInstance(),
  };
  return kDetectors;
}

}  // namespace trace_analyze::analyzer
