// OpName: what names an operation everywhere, from detector findings to the
// rows of every result: the service and the operation, one value.
#ifndef TRACE_ANALYZE_ANALYZER_OP_NAME_H_
#define TRACE_ANALYZE_ANALYZER_OP_NAME_H_

#include <string>

namespace trace_analyze::analyzer {

// Ordered by service, then operation. Detectors and `verify` hold the
// parameterised operation (Parameterize), profiles and paths the recorded
// one. Where a row names a service alone (by-service rankings), `operation`
// is ""; the all-traces row of a latency table is {"", "all"}.
struct OpName {
  std::string service;
  std::string operation;
  auto operator<=>(const OpName&) const = default;
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_OP_NAME_H_
