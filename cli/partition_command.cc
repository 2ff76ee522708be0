// `trace-analyze partition`: splits the traces of the inputs into N shard
// files by trace id, each trace whole in one shard, so that the shards can be
// analysed apart (docs/scale-out.md). Spans of one trace spread over several
// inputs are assembled first (input::ReadInputs). Beside the shards it writes
// the record of what it read (partition_record.h).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/partition_record.h"
#include "formats/ids.h"
#include "formats/jaeger_json_writer.h"
#include "input/input.h"

namespace trace_analyze::cli {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxShards = 4096;

struct PartitionOptions {
  std::vector<std::string> inputs;
  size_t shards = 0;
  std::string output_dir;
  bool strict = false;
  size_t threads = 0;
  uint64_t assembly_memory = input::ReadOptions{}.assembly_memory;
};

// The shard files being written, each an AtomicFile: streamed into and
// renamed to their names once every one is complete. Until then (and on
// any failure) nothing of the run is visible under a shard's name.
class ShardFiles {
 public:
  Status Open(const fs::path& dir, size_t count, std::span<const std::string> inputs) {
    for (size_t i = 0; i < count; ++i) {
      const std::string path = (dir / PartitionShardName(i, count)).string();
      Result<std::unique_ptr<AtomicFile>> file = AtomicFile::Create(path, inputs);
      if (!file.ok()) return file.error();
      shards_.push_back({path, std::move(file).value(), 0});
    }
    return OkStatus();
  }

  // Appends `trace` as one line of Jaeger UI JSON to its shard.
  Status Add(const analyzer::Trace& trace) {
    Shard& shard = shards_[formats::TraceIdHash(trace.trace_id) % shards_.size()];
    line_.clear();
    formats::AppendJaegerUiTrace(trace, &line_);
    line_ += '\n';
    shard.file->stream() << line_;
    shard.bytes += line_.size();
    ++shard.traces;
    // A failed write (disk full) ends the run now rather than at the end.
    return shard.file->stream().good() ? OkStatus() : shard.file->Sync();
  }

  // Syncs every file and gives each its name, then writes `record` (what
  // was read, and each shard's name and size) to its own name in `dir`:
  // last, so that a record always describes shards that exist. A shard
  // without traces holds an empty Jaeger document, {"data":[]}, which reads
  // as no trace (an empty file would be an input error).
  Status Commit(const fs::path& dir, PartitionRecord record, std::span<const std::string> inputs) {
    constexpr std::string_view kEmpty = "{\"data\":[]}\n";
    for (Shard& shard : shards_) {
      if (shard.traces == 0) {
        shard.file->stream() << kEmpty;
        shard.bytes += kEmpty.size();
      }
      if (Status s = shard.file->Sync(); !s.ok()) return s;
      record.shards.emplace_back(fs::path(shard.path).filename().string(), shard.bytes);
    }
    Result<std::unique_ptr<AtomicFile>> record_file =
        AtomicFile::Create((dir / PartitionRecordName(shards_.size())).string(), inputs);
    if (!record_file.ok()) return record_file.error();
    record_file.value()->stream() << EncodePartitionRecord(record);
    if (Status s = record_file.value()->Sync(); !s.ok()) return s;
    for (Shard& shard : shards_) {
      if (Status s = shard.file->Commit(); !s.ok()) return s;
    }
    return record_file.value()->Commit();
  }

  const std::string& path(size_t i) const { return shards_[i].path; }

 private:
  struct Shard {
    std::string path;
    std::unique_ptr<AtomicFile> file;
    uint64_t traces = 0;
    uint64_t bytes = 0;  // written
  };

  std::vector<Shard> shards_;
  std::string line_;  // scratch
};

int Fail(std::ostream& err, const Error& error) {
  err << "trace-analyze: error: " << error.message << '\n';
  return static_cast<int>(error.code);
}

int Run(const PartitionOptions& o, std::ostream& err) {
  const fs::path dir(o.output_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec)) {
    return Fail(err, Error{ErrorCode::kInput, fmt::format("{}: cannot make the output folder: {}",
                                                          o.output_dir, ec.message())});
  }
  for (size_t i = 0; i <= o.shards; ++i) {
    const std::string path =
        (dir / (i < o.shards ? PartitionShardName(i, o.shards) : PartitionRecordName(o.shards)))
            .string();
    if (const std::string why = OverwritesInput(path, o.inputs); !why.empty()) {
      return Fail(err,
                  Error{ErrorCode::kInput,
                        fmt::format("{}: refusing to overwrite an input file ({})", path, why)});
    }
  }
  ShardFiles files;
  if (Status s = files.Open(dir, o.shards, o.inputs); !s.ok()) return Fail(err, s.error());

  input::ReadOptions read;
  read.strict = o.strict;
  read.threads = o.threads;
  read.assembly_memory = o.assembly_memory;
  input::ReadStats stats;
  uint64_t traces = 0;
  const Status status = input::ReadInputs(
      o.inputs, read,
      [&](analyzer::Trace& trace) -> Status {
        ++traces;
        return files.Add(trace);
      },
      &stats);
  if (!status.ok()) return Fail(err, status.error());
  size_t listed = 0;
  for (const input::InputProblem& p : stats.problems) {
    if (listed++ == kMaxListedProblems) break;
    err << "trace-analyze: warning: skipped " << p.ToString() << '\n';
  }
  if (stats.problems_total > kMaxListedProblems) {
    err << fmt::format("trace-analyze: warning: … and {} more skipped\n",
                       stats.problems_total - kMaxListedProblems);
  }
  if (traces == 0 && !stats.problems.empty()) {
    return Fail(err, Error{ErrorCode::kInput,
                           fmt::format("no trace could be read ({} skipped); first problem: {}",
                                       stats.problems_total, stats.problems.front().ToString())});
  }
  PartitionRecord record;
  record.files = stats.files;
  record.bytes = stats.bytes;
  record.problems_total = stats.problems_total;
  record.problems.assign(stats.problems.begin(),
                         stats.problems.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                      stats.problems.size(), kMaxListedProblems)));
  record.quality = stats.quality;
  if (Status s = files.Commit(dir, std::move(record), o.inputs); !s.ok()) {
    return Fail(err, s.error());
  }
  err << fmt::format("trace-analyze: wrote {} trace{} to {} shard{}: {} … {}\n", traces,
                     traces == 1 ? "" : "s", o.shards, o.shards == 1 ? "" : "s", files.path(0),
                     files.path(o.shards - 1));
  return kExitOk;
}

}  // namespace

Command AddPartitionCommand(CLI::App& app) {
  auto o = std::make_shared<PartitionOptions>();
  CLI::App* cmd = app.add_subcommand(
      "partition",
      "Split traces into N shard files by trace id, each trace whole in one shard (scale-out)");
  cmd->add_option("inputs", o->inputs,
                  "Trace files or folders (any input format; .gz/.zst), or - for stdin")
      ->type_name("INPUT")
      ->required();
  cmd->add_option("--shards,-n", o->shards, "Number of shard files")
      ->type_name("N")
      ->required()
      ->check(CLI::Range(size_t{1}, kMaxShards));
  cmd->add_option("--output,-o", o->output_dir,
                  "Folder for the shard files (made if missing): shard-000-of-NNN.jsonl, ...")
      ->type_name("DIR")
      ->required();
  AddReadOptions(*cmd, &o->strict, &o->threads, &o->assembly_memory);
  cmd->footer(R"(Examples:
  trace-analyze partition --shards 4 otel-export/ -o shards/
  trace-analyze analyze shards/shard-001-of-004.jsonl     # one shard
  trace-analyze analyze shards/                           # all: the report of otel-export/

Each shard is JSON Lines of Jaeger UI traces. A trace goes to shard
FNV-1a-64(trace id) mod N, its id normalised (lower-case hex, padded to 16 or 32
digits): the same shard on every machine and run. Spans of one trace spread over
several inputs are assembled first. Files are written to temporary names in DIR
and renamed when all are complete; a shard without traces holds {"data":[]}.
DIR/shard-inputs-of-NNN.ta-inputs records what was read (files, bytes, skipped
input): analyze and analyze --partial of the shards report it in place of the
shard files, so their report has the input section of INPUTS.
Exit codes: 0 success, 2 usage or input error (nothing readable, an output that
would overwrite an input, or --strict and a trace was skipped). docs/scale-out.md.)");
  return {cmd, [o](std::ostream& /*out*/, std::ostream& err) { return Run(*o, err); }};
}

}  // namespace trace_analyze::cli
