// The analyzer's mergeable state as a stream of values, for partial results
// (partial/). A state's Save writes its fields in a fixed order; Load reads
// them back in that order into an empty state of the same options, checking
// every count, index and invariant it relies on (a corrupt stream makes the
// reader fail, never the state invalid). How values become bytes is the
// writer's and the reader's business (partial/codec.h): the analyzer links
// no encoding library.
#ifndef TRACE_ANALYZE_ANALYZER_STATE_IO_H_
#define TRACE_ANALYZE_ANALYZER_STATE_IO_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/data_quality.h"
#include "analyzer/detectors.h"
#include "analyzer/op_name.h"

namespace trace_analyze::analyzer {

struct AnalysisOptions;  // analysis.h
struct DiffSideOptions;  // diff_side.h

class StateWriter {
 public:
  virtual ~StateWriter() = default;
  virtual void U64(uint64_t v) = 0;
  virtual void I64(int64_t v) = 0;
  virtual void F64(double v) = 0;
  virtual void Str(std::string_view s) = 0;
  void Bool(bool b) { U64(b ? 1 : 0); }
};

// Reads with a sticky error: after the first failure every read returns 0 or
// "" and ok() is false, so loaders only check ok() at the end (and before
// trusting a value as an index).
class StateReader {
 public:
  virtual ~StateReader() = default;
  virtual uint64_t U64() = 0;
  virtual int64_t I64() = 0;
  virtual double F64() = 0;
  virtual std::string Str() = 0;
  // A count of items that follow, each at least one byte long: a count
  // larger than the bytes left fails at once (no allocation from it).
  virtual size_t Count() = 0;
  // Fails the stream with `what` (the first failure is kept).
  virtual void Fail(std::string_view what) = 0;
  virtual bool ok() const = 0;

  bool Bool();
  uint32_t U32();
  // A value below `size`, else a failure naming `what`.
  uint32_t Index(size_t size, std::string_view what);
};

// Value types, written field by field.
void Write(StateWriter& w, const OpName& v);
void Read(StateReader& r, OpName* v);
void Write(StateWriter& w, const DataQuality& v);
void Read(StateReader& r, DataQuality* v);
void Write(StateWriter& w, const FindingExample& v);
void Read(StateReader& r, FindingExample* v);
void Write(StateWriter& w, const std::optional<FindingExample>& v);
void Read(StateReader& r, std::optional<FindingExample>* v);
// A multiset of integers whose order does not matter (percentile samples):
// written sorted, as deltas, which is both canonical and compact; read back
// sorted.
void WriteSamples(StateWriter& w, std::vector<int64_t> samples);
void ReadSamples(StateReader& r, std::vector<int64_t>* samples);
// What decides an analysis's state (everything but `threads`, which never
// changes a result), and what a diff side collects.
void Write(StateWriter& w, const AnalysisOptions& v);
void Read(StateReader& r, AnalysisOptions* v);
void Write(StateWriter& w, const DiffSideOptions& v);
void Read(StateReader& r, DiffSideOptions* v);
// Strings in order.
void Write(StateWriter& w, const std::vector<std::string>& v);
void Read(StateReader& r, std::vector<std::string>* v);

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_STATE_IO_H_
