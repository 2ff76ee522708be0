#include "cli/partition_record.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <system_error>

#include "input/input_files.h"

namespace trace_analyze::cli {
namespace {

namespace fs = std::filesystem;

// The format: a header line, then one "key value..." line per fact; strings
// are percent-escaped (%, space, control bytes) so that any file name or
// message, valid UTF-8 or not, comes back byte for byte; "-" is the empty
// string.
constexpr std::string_view kHeader = "trace-analyze partition record 1";

std::string Escape(std::string_view s) {
  if (s.empty()) return "-";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '%' || (c == '-' && s.size() == 1)) {
      out += fmt::format("%{:02X}", u);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> Unescape(std::string_view s) {
  if (s == "-") return std::string();
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, value, 16);
    if (ec != std::errc() || end != s.data() + i + 3) return std::nullopt;
    out.push_back(static_cast<char>(value));
    i += 2;
  }
  return out;
}

std::optional<uint64_t> Number(std::string_view s) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start <= line.size()) {
    const size_t space = std::min(line.find(' ', start), line.size());
    words.push_back(line.substr(start, space - start));
    start = space + 1;
  }
  return words;
}

// (shard index, shard count) when `name` is exactly PartitionShardName(K, N).
std::optional<std::pair<size_t, size_t>> ParseShardName(std::string_view name) {
  constexpr std::string_view kPrefix = "shard-";
  constexpr std::string_view kOf = "-of-";
  constexpr std::string_view kSuffix = ".jsonl";
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return std::nullopt;
  const std::string_view middle =
      name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  const size_t of = middle.find(kOf);
  if (of == std::string_view::npos) return std::nullopt;
  const std::optional<uint64_t> shard = Number(middle.substr(0, of));
  const std::optional<uint64_t> shards = Number(middle.substr(of + kOf.size()));
  if (!shard || !shards || *shard >= *shards || *shards > (uint64_t{1} << 32)) return std::nullopt;
  if (PartitionShardName(*shard, *shards) != name) return std::nullopt;
  return std::pair<size_t, size_t>(*shard, *shards);
}

}  // namespace

std::string PartitionShardName(size_t shard, size_t shards) {
  const size_t width = std::max<size_t>(3, fmt::format("{}", shards).size());
  return fmt::format("shard-{:0{}}-of-{:0{}}.jsonl", shard, width, shards, width);
}

std::string PartitionRecordName(size_t shards) {
  const size_t width = std::max<size_t>(3, fmt::format("{}", shards).size());
  return fmt::format("shard-inputs-of-{:0{}}.ta-inputs", shards, width);
}

std::string EncodePartitionRecord(const PartitionRecord& r) {
  std::string out = fmt::format("{}\nfiles {}\nbytes {}\nproblems {}\n", kHeader, r.files, r.bytes,
                                r.problems_total);
  for (const input::InputProblem& p : r.problems) {
    out += fmt::format("problem {} {} {} {}\n", p.offset, Escape(p.source), Escape(p.trace_id),
                       Escape(p.message));
  }
  r.quality.ForEach([&](std::string_view name, uint64_t value) {
    if (value > 0) out += fmt::format("quality {} {}\n", name, value);
  });
  for (const auto& [name, bytes] : r.shards)
    out += fmt::format("shard {} {}\n", Escape(name), bytes);
  return out;
}

Result<PartitionRecord> DecodePartitionRecord(std::string_view text, std::string_view path) {
  PartitionRecord r;
  int line_no = 0;
  const auto bad = [&](std::string_view why) {
    return Error{ErrorCode::kInput,
                 fmt::format("{}: line {}: not a partition record: {}", path, line_no, why)};
  };
  bool header = false;
  while (!text.empty()) {
    ++line_no;
    const size_t newline = text.find('\n');
    if (newline == std::string_view::npos) return bad("the last line does not end");
    const std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline + 1);
    if (!header) {
      if (line != kHeader) return bad(fmt::format("expected the header '{}'", kHeader));
      header = true;
      continue;
    }
    const std::vector<std::string_view> w = Words(line);
    const auto count = [&](size_t i) { return i < w.size() ? Number(w[i]) : std::nullopt; };
    if (w[0] == "files" || w[0] == "bytes" || w[0] == "problems") {
      const std::optional<uint64_t> n = count(1);
      if (w.size() != 2 || !n) return bad(fmt::format("'{}' needs one number", w[0]));
      (w[0] == "files" ? r.files : w[0] == "bytes" ? r.bytes : r.problems_total) = *n;
    } else if (w[0] == "problem") {
      const std::optional<uint64_t> offset = count(1);
      std::optional<std::string> source, trace_id, message;
      if (w.size() == 5) {
        source = Unescape(w[2]);
        trace_id = Unescape(w[3]);
        message = Unescape(w[4]);
      }
      if (!offset || !source || !trace_id || !message) {
        return bad("'problem' needs an offset, a source, a trace id and a message");
      }
      if (r.problems.size() == kMaxListedProblems) return bad("too many problems");
      r.problems.push_back({*source, *offset, *trace_id, *message});
    } else if (w[0] == "quality") {
      const std::optional<uint64_t> n = count(2);
      const analyzer::DataQualityCounter* counter = nullptr;
      for (const analyzer::DataQualityCounter& c : analyzer::kDataQualityCounters) {
        if (w.size() > 1 && c.name == w[1]) counter = &c;
      }
      if (w.size() != 3 || !n || counter == nullptr) {
        return bad("'quality' needs a data-quality counter and a number");
      }
      r.quality.*counter->field = *n;
    } else if (w[0] == "shard") {
      const std::optional<uint64_t> bytes = count(2);
      std::optional<std::string> name = w.size() == 3 ? Unescape(w[1]) : std::nullopt;
      if (!bytes || !name) return bad("'shard' needs a file name and a size");
      r.shards.emplace_back(std::move(*name), *bytes);
    } else {
      return bad(fmt::format("unknown line '{}'", w[0]));
    }
  }
  if (!header) return bad("empty");
  if (r.problems.size() > r.problems_total) return bad("more problems listed than counted");
  return r;
}

Result<PartitionShards> FindPartitionShards(std::span<const std::string> inputs) {
  std::vector<std::string> files;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (input != "-" && fs::is_directory(input, ec)) {
      Result<std::vector<std::string>> listed = input::ListTraceFiles(input);
      if (!listed.ok()) return listed.error();
      files.insert(files.end(), listed.value().begin(), listed.value().end());
    } else if (input != "-") {
      files.push_back(input);
    }
  }
  PartitionShards found;
  for (const std::string& file : files) {
    const fs::path path(file);
    const std::optional<std::pair<size_t, size_t>> shard = ParseShardName(path.filename().string());
    if (!shard) continue;
    const fs::path record_path = path.parent_path() / PartitionRecordName(shard->second);
    std::error_code ec;
    if (!fs::is_regular_file(record_path, ec)) continue;
    std::ifstream in(record_path, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      return Error{ErrorCode::kInput, fmt::format("{}: cannot read", record_path.string())};
    }
    Result<PartitionRecord> record = DecodePartitionRecord(text, record_path.string());
    if (!record.ok()) return record.error();
    const std::string name = path.filename().string();
    const auto listed = std::find_if(record.value().shards.begin(), record.value().shards.end(),
                                     [&](const auto& s) { return s.first == name; });
    const uint64_t size = fs::file_size(path, ec);
    if (listed == record.value().shards.end() || ec || listed->second != size) {
      found.mismatched.push_back(fmt::format(
          "{}: not the shard {} records (another size or not listed)", file, record_path.string()));
      continue;
    }
    ++found.files;
    found.bytes += size;
    if (shard->first == 0) {
      found.records.push_back(std::move(record).value());
      found.record_paths.push_back(record_path.string());
    }
  }
  return found;
}

}  // namespace trace_analyze::cli
