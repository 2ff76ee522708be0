// Partial results (`analyze --partial`, `diff --partial`, `merge`): the
// mergeable state of an analysis over some of the traces, as a file. Merging
// the partials of any split of the traces, in any order and tree shape, gives
// the state of one analysis over all of them, so a report rendered from the
// merge is the report of the whole input (docs/scale-out.md: the format, and
// what is made order-independent).
#ifndef TRACE_ANALYZE_PARTIAL_PARTIAL_H_
#define TRACE_ANALYZE_PARTIAL_PARTIAL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/data_quality.h"
#include "analyzer/diff_side.h"
#include "analyzer/path_sampler.h"
#include "analyzer/results.h"
#include "analyzer/status.h"

namespace trace_analyze::partial {

// The version this build writes and reads; any change of the payload's
// layout or meaning increments it.
inline constexpr uint32_t kFormatVersion = 4;
// The first bytes of every partial file.
inline constexpr std::string_view kMagic{
    "\x89"
    "TAPART\n",
    8};
// Problems listed by a merge, like the reader's first ones (cli::Ingest).
inline constexpr size_t kMaxListedProblems = 20;

enum class Kind : uint32_t {
  kAnalyze = 1,    // analyze: profile, findings, representative sample
  kBaseline = 2,   // a diff's baseline side: profile, findings, side summaries
  kCandidate = 3,  // a diff's candidate side, collected under a baseline's verify plan
};
// "analyze", "diff baseline", "diff candidate".
const char* KindName(Kind kind);

// One listed input problem, with where it was found (the merge order).
struct Problem {
  std::string source;
  uint64_t offset = 0;
  std::string text;  // as the report prints it
  auto operator<=>(const Problem&) const = default;
};

// What was read: summed or joined over parts (Partial::Merge).
struct ReadSummary {
  uint64_t files = 0;
  uint64_t bytes = 0;
  uint64_t problems_total = 0;
  std::vector<Problem> problems;  // the first kMaxListedProblems by (source, offset, text)
  std::string server;             // a Jaeger server; the smallest name when parts differ
  std::string ui_url;
  bool partial = false;
  std::vector<std::string> partial_reasons;  // sorted
  bool incomplete = false;                   // some requested traces could not be fetched
  analyzer::DataQuality quality;             // decode + normalisation, all traces
  // A diff side searched on a server: the earliest start, the latest end.
  std::string window_start, window_end;

  analyzer::InputSummary ToInputSummary() const;
};

class Partial {
 public:
  // An empty partial; `side` only for the diff kinds. `analysis.threads`
  // (how many threads one giant trace's detectors use) is not stored.
  Partial(Kind kind, const analyzer::AnalysisOptions& analysis,
          analyzer::DiffSideOptions side = {});

  Kind kind() const { return kind_; }
  const analyzer::AnalysisOptions& analysis() const { return analysis_; }
  const analyzer::DiffSideOptions& side() const { return side_; }

  ReadSummary read;
  analyzer::TraceAnalyzer& analyzer() { return *analyzer_; }
  const analyzer::TraceAnalyzer& analyzer() const { return *analyzer_; }
  // kAnalyze only.
  analyzer::PathSampler& sampler() { return *sampler_; }
  const analyzer::PathSampler& sampler() const { return *sampler_; }
  // The diff kinds only.
  analyzer::DiffSideCollector& collector() { return *collector_; }
  const analyzer::DiffSideCollector& collector() const { return *collector_; }

  // Adds `other`, which must be of the same kind and settings: else the
  // error names `other_name` and says which settings differ from those of
  // `this_name` (what this partial came from).
  Status Merge(const Partial& other, std::string_view other_name, std::string_view this_name);

  // The file's bytes (docs/scale-out.md#the-partial-format):
  // Frame(kind(), EncodePayload()).
  std::string Encode() const;
  std::string EncodePayload() const;
  // Reads a partial from `bytes`; errors name `name` and what is wrong.
  static Result<std::unique_ptr<Partial>> Decode(std::string_view bytes, std::string_view name);

 private:
  Kind kind_;
  analyzer::AnalysisOptions analysis_;
  analyzer::DiffSideOptions side_;
  std::unique_ptr<analyzer::TraceAnalyzer> analyzer_;
  std::unique_ptr<analyzer::PathSampler> sampler_;
  std::unique_ptr<analyzer::DiffSideCollector> collector_;
};

// A partial file of `kind` around `payload` (Partial::Encode's framing;
// for tests and the fuzzer, which feed Decode payloads that pass the
// checksum).
std::string Frame(Kind kind, std::string_view payload);

// The settings of `analyze --partial`: `analysis` keeping everything any
// report could draw (folded stacks, finding pictures), so that `merge` can
// render every format; merge drops what the requested formats do not show.
analyzer::AnalysisOptions PartialAnalysisOptions(analyzer::AnalysisOptions analysis);

// The files a list of arguments names: files as they are, folders' *.tap
// files sorted by path. An error names an argument that is neither, or a
// folder without partials.
Result<std::vector<std::string>> ExpandPartialPaths(const std::vector<std::string>& args);

// Reads the files and merges them in order; every error names its file.
// `want` is the kind the caller needs (nullopt: the first file's).
Result<std::unique_ptr<Partial>> ReadAndMerge(const std::vector<std::string>& paths,
                                              std::optional<Kind> want);

}  // namespace trace_analyze::partial

#endif  // TRACE_ANALYZE_PARTIAL_PARTIAL_H_
