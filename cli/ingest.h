// Runs inputs through a TraceAnalyzer, collecting what was read and skipped.
#ifndef TRACE_ANALYZE_CLI_INGEST_H_
#define TRACE_ANALYZE_CLI_INGEST_H_

#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/results.h"
#include "analyzer/status.h"
#include "input/input.h"

namespace trace_analyze::cli {

struct JaegerCliOptions;

struct IngestOptions {
  std::vector<std::string> inputs;
  bool strict = false;
  size_t threads = 0;  // ReadOptions::threads
  // When given (--jaeger URL), traces come from the server instead of inputs.
  const JaegerCliOptions* jaeger = nullptr;
  uint64_t assembly_memory = input::ReadOptions{}.assembly_memory;  // ReadOptions::assembly_memory
};

struct IngestResult {
  analyzer::InputSummary input;
  analyzer::DataQuality quality;  // decode + normalisation, all traces
  // Where each of input.problems was found: (source, byte offset).
  std::vector<std::pair<std::string, uint64_t>> problem_origins;
  // Requested traces could not be fetched (not found, failed calls): the
  // report is labelled partial and the command exits 3 after writing it.
  bool incomplete = false;
};

// Called after each trace is analysed, with its path (valid during the call).
using AnalyzedTraceCallback = input::AnalyzedTraceCallback;

// Reads every input (or runs the --jaeger query) and analyses each trace. Skipped input is printed
// to `err` as warnings (the first 20) and summarised in the result. Fails (exit 2) when strict and
// anything was skipped, or when no trace could be read at all although input problems occurred.
Result<IngestResult> Ingest(const IngestOptions& options, analyzer::TraceAnalyzer& analyzer,
                            const AnalyzedTraceCallback& on_trace, std::ostream& err);

}  // namespace trace_analyze::cli

#endif  // TRACE_ANALYZE_CLI_INGEST_H_
