// What the commands share for partial results (partial/): a partial's read
// summary from what Ingest read, writing a partial as the -o file, telling
// partials from trace inputs, and dropping what a merged result holds for
// formats that were not requested.
#ifndef TRACE_ANALYZE_CLI_PARTIAL_IO_H_
#define TRACE_ANALYZE_CLI_PARTIAL_IO_H_

#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "analyzer/results.h"
#include "cli/commands.h"
#include "cli/ingest.h"
#include "partial/partial.h"

namespace trace_analyze::cli {

partial::ReadSummary ToReadSummary(const IngestResult& read);

// Writes `p` atomically to the -o file of `options` (required: a partial is
// binary), never over one of `protected_files`. Returns the exit code.
int WritePartialOutput(const partial::Partial& p, const CommonOptions& options,
                       std::span<const std::string> protected_files, std::ostream& err);

// Whether every argument is a partial result (a file starting with the
// partial header, or a folder holding *.tap files) rather than traces.
bool ArePartials(const std::vector<std::string>& args);

// A partial keeps folded stacks and finding pictures for every format;
// without a requested format that shows them the result drops them, as an
// analysis for those formats would never have made them.
void DropUnrequested(const CommonOptions& options, analyzer::AnalyzeResult* result);
void DropUnrequested(const CommonOptions& options, analyzer::DiffResult* result);

}  // namespace trace_analyze::cli

#endif  // TRACE_ANALYZE_CLI_PARTIAL_IO_H_
