// `trace-analyze sniff`: what the reader would take each input for (its
// compression and the trace format of its first unit), as JSON, without
// decoding it. Tools that plan how to split inputs (trace-analyze-dask) ask
// this instead of copying the rule (input/detect.h).
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "cli/commands.h"
#include "formats/span_assembler.h"
#include "formats/trace_format.h"
#include "input/detect.h"
#include "reports/escape.h"

namespace trace_analyze::cli {
namespace {

struct SniffOptions {
  std::vector<std::string> inputs;
};

const char* CompressionName(input::Compression c) {
  switch (c) {
    case input::Compression::kGzip:
      return "gzip";
    case input::Compression::kZstd:
      return "zstd";
    case input::Compression::kNone:
      break;
  }
  return "none";
}

int Run(const SniffOptions& o, std::ostream& out, std::ostream& err) {
  Result<std::vector<input::DetectedInput>> detected = input::DetectInputs(o.inputs);
  if (!detected.ok()) {
    err << "trace-analyze: error: " << detected.error().message << '\n';
    return static_cast<int>(detected.error().code);
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const input::DetectedInput& d : detected.value()) {
    nlohmann::ordered_json entry = {{"path", d.path}};
    // JSON text is UTF-8: a name that is not loses bytes in "path" (replaced
    // by U+FFFD), so its bytes are given whole too.
    if (reports::ToValidUtf8(d.path) != d.path) entry["pathBytes"] = formats::BytesToHex(d.path);
    entry["compression"] = CompressionName(d.compression);
    entry["format"] = nullptr;
    entry["assembly"] = nullptr;
    entry["problem"] = nullptr;
    if (d.format != formats::kNoFormat) {
      const formats::TraceFormat& f = formats::TraceFormats()[d.format];
      entry["format"] = f.name;
      entry["assembly"] = f.assembly == formats::Assembly::kSpans ? "spans" : "whole-trace";
    }
    if (!d.problem.empty()) entry["problem"] = d.problem;
    list.push_back(std::move(entry));
  }
  out << nlohmann::ordered_json{{"inputs", list}}.dump(
             2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
      << '\n';
  return kExitOk;
}

}  // namespace

Command AddSniffCommand(CLI::App& app) {
  auto o = std::make_shared<SniffOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sniff", "Print, as JSON, the compression and trace format the reader sees in each input");
  cmd->add_option("inputs", o->inputs, "Trace files or folders, or - for stdin")
      ->type_name("INPUT")
      ->required();
  cmd->footer(R"(Examples:
  trace-analyze sniff traces/ export.otlp.json.zst

Prints {"inputs": [{"path", "compression", "format", "assembly", "problem"}]},
one entry per file in the order analyze reads them (folders recursively, by
path). A path that is not valid UTF-8 has U+FFFD for its bad bytes in "path"
and also "pathBytes": every byte of it, as two hex digits each. "format" is the trace format of the file's first unit (by its first
deciding key, as the reader splits it; later units are not read): "Jaeger UI
trace", "Jaeger span", "OTLP/JSON document", "Zipkin v2 span", "Zipkin v2 span
list"; "assembly" is "whole-trace" (each unit one whole trace) or "spans" (spans
of any trace: analysing such files apart can cut a trace). Both are null when
the file holds no trace unit, or when "problem" says why it could not be told.
Exit codes: 0 success, 2 an input that cannot be opened or listed.)");
  return {cmd, [o](std::ostream& out, std::ostream& err) { return Run(*o, out, err); }};
}

}  // namespace trace_analyze::cli
