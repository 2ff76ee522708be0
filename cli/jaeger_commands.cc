// `trace-analyze services`, `operations` and `fetch`: talking to a Jaeger
// server without analysing anything.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/jaeger_options.h"
#include "cli/output.h"
#include "formats/jaeger_json_writer.h"
#include "jaeger_client/trace_source.h"

namespace trace_analyze::cli {
namespace {

struct ListOptions {
  JaegerCliOptions jaeger;
  std::string service;
  std::string format = "text";
};

int Fail(std::ostream& err, const Error& error) {
  err << "trace-analyze: error: " << error.message << '\n';
  return static_cast<int>(error.code);
}

void AddListOptions(CLI::App* cmd, ListOptions& o) {
  AddJaegerOptions(*cmd, o.jaeger, JaegerFlags::kServer);
  cmd->get_option("--jaeger")->required();
  cmd->add_option("--format,-f", o.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

}  // namespace

Command AddServicesCommand(CLI::App& app) {
  auto o = std::make_shared<ListOptions>();
  CLI::App* cmd = app.add_subcommand("services", "List the services a Jaeger server knows");
  AddListOptions(cmd, *o);
  cmd->footer(R"(Examples:
  trace-analyze services --jaeger http://localhost:16686
  trace-analyze services --jaeger grpcs://jaeger:16685 --token-env JAEGER_TOKEN --format json

Exit codes: 0 success, 2 usage error, 3 backend error.)");
  return {cmd, [o](std::ostream& out, std::ostream& err) -> int {
            Result<std::unique_ptr<JaegerConnection>> conn = Connect(o->jaeger, err);
            if (!conn.ok()) return Fail(err, conn.error());
            jaeger_client::CallResult<std::vector<std::string>> services =
                conn.value()->source->Services();
            if (!services.ok()) return Fail(err, services.error().ToError());
            if (o->format == "json") {
              out << nlohmann::json{{"services", services.value()}}.dump(2) << '\n';
            } else {
              for (const std::string& s : services.value()) out << s << '\n';
            }
            return kExitOk;
          }};
}

Command AddOperationsCommand(CLI::App& app) {
  auto o = std::make_shared<ListOptions>();
  CLI::App* cmd =
      app.add_subcommand("operations", "List the operations of a service on a Jaeger server");
  AddListOptions(cmd, *o);
  cmd->add_option("--service", o->service, "The service")->required();
  cmd->footer(R"(Examples:
  trace-analyze operations --jaeger http://localhost:16686 --service frontend

Text output: one operation per line, "<span kind>\t<name>" (kind empty when unknown).
Exit codes: 0 success, 2 usage error, 3 backend error.)");
  return {cmd, [o](std::ostream& out, std::ostream& err) -> int {
            Result<std::unique_ptr<JaegerConnection>> conn = Connect(o->jaeger, err);
            if (!conn.ok()) return Fail(err, conn.error());
            jaeger_client::CallResult<std::vector<jaeger_client::OperationInfo>> ops =
                conn.value()->source->Operations(o->service);
            if (!ops.ok()) return Fail(err, ops.error().ToError());
            if (o->format == "json") {
              nlohmann::json list = nlohmann::json::array();
              for (const jaeger_client::OperationInfo& op : ops.value()) {
                list.push_back({{"name", op.name}, {"spanKind", op.span_kind}});
              }
              out << nlohmann::json{{"service", o->service}, {"operations", list}}.dump(2) << '\n';
            } else {
              for (const jaeger_client::OperationInfo& op : ops.value()) {
                out << op.span_kind << '\t' << op.name << '\n';
              }
            }
            return kExitOk;
          }};
}

Command AddFetchCommand(CLI::App& app) {
  struct FetchOptions {
    JaegerCliOptions jaeger;
    std::string output;
  };
  auto o = std::make_shared<FetchOptions>();
  CLI::App* cmd = app.add_subcommand(
      "fetch", "Save traces from a Jaeger server as Jaeger UI JSON, for offline use");
  AddJaegerOptions(*cmd, o->jaeger, JaegerFlags::kQuery);
  cmd->get_option("--jaeger")->required();
  cmd->add_option("--output,-o", o->output, "Write to FILE (atomically) instead of stdout")
      ->type_name("FILE");
  cmd->footer(R"(Examples:
  trace-analyze fetch --jaeger http://localhost:16686 --service frontend --since 30m -o traces.json
  trace-analyze fetch --jaeger grpc://jaeger:16685 --trace-ids ids.txt -o traces.json
  trace-analyze analyze traces.json        # later, offline

Output: {"data":[trace,...]} as the Jaeger UI's "Download results" (docs/jaeger.md says
which fields are kept).
Exit codes: 0 success, 2 usage error, 3 backend error (also after writing the traces that
could be fetched when others were missing or failed).)");
  return {cmd, [o](std::ostream& out, std::ostream& err) -> int {
            formats::JaegerUiDocument document;
            Result<JaegerRunResult> run = RunJaegerQuery(
                o->jaeger,
                [&](analyzer::Trace& trace) -> Status {
                  document.Add(trace);
                  return OkStatus();
                },
                err);
            if (!run.ok()) return Fail(err, run.error());
            for (const input::InputProblem& p : run.value().stats.problems) {
              err << "trace-analyze: warning: skipped " << p.ToString() << '\n';
            }
            const size_t count = document.count();
            const std::string text = std::move(document).Finish();
            if (o->output.empty() || o->output == "-") {
              out << text;
              out.flush();
            } else {
              const Status written = WriteFileAtomically(o->output, text, {});
              if (!written.ok()) return Fail(err, written.error());
              err << fmt::format("trace-analyze: wrote {} trace{} to {}\n", count,
                                 count == 1 ? "" : "s", o->output);
            }
            return run.value().incomplete ? kExitBackend : kExitOk;
          }};
}

}  // namespace trace_analyze::cli
