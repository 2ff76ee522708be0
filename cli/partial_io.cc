#include "cli/partial_io.h"

#include <filesystem>
#include <fstream>

#include "cli/cli.h"
#include "cli/output.h"
#include "reports/writer.h"

namespace trace_analyze::cli {

partial::ReadSummary ToReadSummary(const IngestResult& read) {
  partial::ReadSummary s;
  const analyzer::InputSummary& in = read.input;
  s.files = in.files;
  s.bytes = in.bytes;
  s.problems_total = in.problems_total;
  for (size_t i = 0; i < in.problems.size() && i < read.problem_origins.size(); ++i) {
    s.problems.push_back(
        {read.problem_origins[i].first, read.problem_origins[i].second, in.problems[i]});
  }
  std::sort(s.problems.begin(), s.problems.end());
  s.server = in.server;
  s.ui_url = in.ui_url;
  s.partial = in.partial;
  s.partial_reasons = in.partial_reasons;
  std::sort(s.partial_reasons.begin(), s.partial_reasons.end());
  s.incomplete = read.incomplete;
  s.quality = read.quality;
  return s;
}

int WritePartialOutput(const partial::Partial& p, const CommonOptions& options,
                       std::span<const std::string> protected_files, std::ostream& err) {
  if (options.output.empty() || options.output == "-") {
    err << "trace-analyze: error: --partial needs -o FILE (a partial result is binary)\n";
    return kExitUsage;
  }
  std::vector<std::string> inputs = options.inputs;
  inputs.insert(inputs.end(), protected_files.begin(), protected_files.end());
  const Status written = WriteFileAtomically(options.output, p.Encode(), inputs);
  if (!written.ok()) {
    err << "trace-analyze: error: " << written.error().message << '\n';
    return kExitUsage;
  }
  return kExitOk;
}

bool ArePartials(const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  if (args.empty()) return false;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      bool any = false;
      for (const fs::directory_entry& e : fs::directory_iterator(arg, ec)) {
        any = any || (e.is_regular_file(ec) && e.path().extension() == ".tap");
      }
      if (!any) return false;
      continue;
    }
    std::ifstream in(arg, std::ios::binary);
    std::string head(8, '\0');
    if (!in.read(head.data(), 8) || head != partial::kMagic) return false;
  }
  return true;
}

void DropUnrequested(const CommonOptions& options, analyzer::AnalyzeResult* result) {
  if (!options.AnyReportWriter(&reports::ReportWriter::uses_stacks)) result->profile.stacks.clear();
  if (!options.AnyReportWriter(&reports::ReportWriter::uses_finding_examples)) {
    for (analyzer::Finding& f : result->findings) f.example.reset();
  }
}

void DropUnrequested(const CommonOptions& options, analyzer::DiffResult* result) {
  if (!options.AnyReportWriter(&reports::ReportWriter::uses_stacks)) result->stacks.clear();
  if (!options.AnyReportWriter(&reports::ReportWriter::uses_finding_examples)) {
    for (analyzer::VerifyRow& row : result->verify) {
      row.baseline_example.reset();
      row.candidate_example.reset();
    }
  }
}

}  // namespace trace_analyze::cli
