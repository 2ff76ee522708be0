#include "partial/partial.h"

#include <fmt/format.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "analyzer/parameterize.h"
#include "analyzer/state_io.h"
#include "partial/codec.h"

namespace trace_analyze::partial {
namespace {

using analyzer::AnalysisOptions;
using analyzer::DiffSideOptions;

constexpr size_t kHeaderBytes = 40;  // magic, version, kind, fingerprint, two sizes
constexpr size_t kTrailerBytes = 4;  // CRC-32
constexpr int kZstdLevel = 3;

void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint64_t GetLe(std::string_view bytes, size_t offset, int width) {
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) {
    v |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[offset + i])) << (8 * i);
  }
  return v;
}

uint32_t Crc32(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes lengths as uInt: feed it in pieces.
  for (size_t at = 0; at < bytes.size();) {
    const size_t n = std::min<size_t>(bytes.size() - at, 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at), static_cast<uInt>(n));
    at += n;
  }
  return static_cast<uint32_t>(crc);
}

bool IsDiffKind(Kind kind) { return kind == Kind::kBaseline || kind == Kind::kCandidate; }

// The settings as groups of encoded values, each with a name for errors and
// its shown value when short; the settings block is their concatenation.
struct SettingGroup {
  const char* name;
  std::string bytes;
  std::string shown;  // "" when not worth showing
};

std::vector<SettingGroup> SettingGroups(Kind kind, const AnalysisOptions& a,
                                        const DiffSideOptions& side) {
  std::vector<SettingGroup> groups;
  const auto group = [&](const char* name, auto&& write, std::string shown) {
    ByteWriter w;
    write(w);
    groups.push_back({name, w.Take(), std::move(shown)});
  };
  group(
      "critical-path mode", [&](ByteWriter& w) { w.U64(static_cast<uint64_t>(a.cp.mode)); },
      analyzer::CpModeName(a.cp.mode));
  group(
      "analysis settings (skew tolerance, clock-skew adjustment, heaviest spans, "
      "findings on or off)",
      [&](ByteWriter& w) {
        w.F64(a.cp.skew_tolerance_fraction);
        w.Bool(a.adjust_clock_skew);
        w.I64(a.clock_skew.max_adjust_us);
        w.U64(a.max_heaviest);
        w.Bool(a.fold_stacks);
        w.Bool(a.find_bottlenecks);
      },
      "");
  group(
      "quantiles",
      [&](ByteWriter& w) {
        w.Bool(a.approx_quantiles);
        if (a.approx_quantiles) w.U64(a.sampled_visits);
      },
      a.approx_quantiles ? "--approx-quantiles" : "exact");
  group(
      "detector settings (--config, --min-saving, --n-plus-one-min-calls, "
      "--repeated-min-calls)",
      [&](ByteWriter& w) {
        AnalysisOptions d;
        d.detectors = a.detectors;
        Write(w, d);
      },
      "");
  if (IsDiffKind(kind)) {
    group(
        "diff settings (budgeted operations, patterns to verify from the baseline)",
        [&](ByteWriter& w) { Write(w, side); }, "");
  }
  return groups;
}

std::string SettingsBlock(Kind kind, const AnalysisOptions& a, const DiffSideOptions& side) {
  ByteWriter w;
  Write(w, a);
  if (IsDiffKind(kind)) Write(w, side);
  return w.Take();
}

void MergeRead(ReadSummary* into, const ReadSummary& o) {
  into->files += o.files;
  into->bytes += o.bytes;
  into->problems_total += o.problems_total;
  into->problems.insert(into->problems.end(), o.problems.begin(), o.problems.end());
  std::sort(into->problems.begin(), into->problems.end());
  if (into->problems.size() > kMaxListedProblems) into->problems.resize(kMaxListedProblems);
  // The same server for every part in practice; else the smallest name, so
  // the result does not depend on the merge order.
  const auto smallest = [](std::string* a, const std::string& b) {
    if (a->empty() || (!b.empty() && b < *a)) *a = b;
  };
  smallest(&into->server, o.server);
  smallest(&into->ui_url, o.ui_url);
  into->partial = into->partial || o.partial;
  into->partial_reasons.insert(into->partial_reasons.end(), o.partial_reasons.begin(),
                               o.partial_reasons.end());
  std::sort(into->partial_reasons.begin(), into->partial_reasons.end());
  into->incomplete = into->incomplete || o.incomplete;
  into->quality.Merge(o.quality);
  smallest(&into->window_start, o.window_start);
  if (o.window_end > into->window_end) into->window_end = o.window_end;
}

void WriteRead(ByteWriter& w, const ReadSummary& r) {
  w.U64(r.files);
  w.U64(r.bytes);
  w.U64(r.problems_total);
  w.U64(r.problems.size());
  for (const Problem& p : r.problems) {
    w.Str(p.source);
    w.U64(p.offset);
    w.Str(p.text);
  }
  w.Str(r.server);
  w.Str(r.ui_url);
  w.Bool(r.partial);
  Write(w, r.partial_reasons);
  w.Bool(r.incomplete);
  Write(w, r.quality);
  w.Str(r.window_start);
  w.Str(r.window_end);
}

void ReadRead(ByteReader& r, ReadSummary* s) {
  s->files = r.U64();
  s->bytes = r.U64();
  s->problems_total = r.U64();
  s->problems.resize(r.Count());
  for (Problem& p : s->problems) {
    p.source = r.Str();
    p.offset = r.U64();
    p.text = r.Str();
  }
  if (s->problems.size() > kMaxListedProblems) r.Fail("more listed problems than kept");
  s->server = r.Str();
  s->ui_url = r.Str();
  s->partial = r.Bool();
  Read(r, &s->partial_reasons);
  s->incomplete = r.Bool();
  Read(r, &s->quality);
  s->window_start = r.Str();
  s->window_end = r.Str();
}

// "an analyze", "a diff baseline", ...
std::string KindPhrase(Kind kind) {
  return fmt::format("{} {}", kind == Kind::kAnalyze ? "an" : "a", KindName(kind));
}

Error Bad(std::string_view name, std::string_view what) {
  return Error{ErrorCode::kInput, fmt::format("{}: {}", name, what)};
}

}  // namespace

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kAnalyze:
      return "analyze";
    case Kind::kBaseline:
      return "diff baseline";
    case Kind::kCandidate:
      return "diff candidate";
  }
  return "";
}

analyzer::InputSummary ReadSummary::ToInputSummary() const {
  analyzer::InputSummary s;
  s.files = files;
  s.bytes = bytes;
  s.problems_total = problems_total;
  for (const Problem& p : problems) s.problems.push_back(p.text);
  s.server = server;
  s.partial = partial;
  s.partial_reasons = partial_reasons;
  s.ui_url = ui_url;
  return s;
}

Partial::Partial(Kind kind, const AnalysisOptions& analysis, DiffSideOptions side)
    : kind_(kind), analysis_(analysis), side_(std::move(side)) {
  analyzer_ = std::make_unique<analyzer::TraceAnalyzer>(analysis_);
  if (kind_ == Kind::kAnalyze) {
    sampler_ = std::make_unique<analyzer::PathSampler>(
        analyzer::kSampleCapacity, analyzer::kSampleSeed, analyzer::kMaxSampledSections,
        analysis_.approx_quantiles);
    side_ = {};
  } else {
    collector_ = std::make_unique<analyzer::DiffSideCollector>(side_);
  }
}

Status Partial::Merge(const Partial& other, std::string_view other_name,
                      std::string_view this_name) {
  if (other.kind_ != kind_) {
    return Bad(other_name, fmt::format("{} partial, where {} partial is needed",
                                       KindPhrase(other.kind_), KindPhrase(kind_)));
  }
  const std::vector<SettingGroup> mine = SettingGroups(kind_, analysis_, side_);
  const std::vector<SettingGroup> theirs = SettingGroups(other.kind_, other.analysis_, other.side_);
  for (size_t i = 0; i < mine.size(); ++i) {
    if (mine[i].bytes == theirs[i].bytes) continue;
    if (!mine[i].shown.empty()) {
      return Bad(other_name, fmt::format("made with {} {}, {} with {}", mine[i].name,
                                         theirs[i].shown, this_name, mine[i].shown));
    }
    return Bad(other_name, fmt::format("made with other {} than {}", mine[i].name, this_name));
  }
  analyzer_->Merge(*other.analyzer_);
  if (sampler_) {
    analyzer::PathSampler copy = *other.sampler_;
    sampler_->Merge(std::move(copy));
  }
  if (collector_) collector_->Merge(*other.collector_);
  MergeRead(&read, other.read);
  return OkStatus();
}

std::string Partial::Encode() const { return Frame(kind_, EncodePayload()); }

std::string Partial::EncodePayload() const {
  const std::string settings = SettingsBlock(kind_, analysis_, side_);
  ByteWriter w;
  w.Str(settings);
  WriteRead(w, read);
  analyzer_->Save(w);
  if (sampler_) sampler_->Save(w);
  if (collector_) collector_->Save(w);
  return w.Take();
}

std::string Frame(Kind kind, std::string_view payload) {
  ByteReader settings(payload);
  const std::string block = settings.Str();
  std::string compressed(ZSTD_compressBound(payload.size()), '\0');
  const size_t n = ZSTD_compress(compressed.data(), compressed.size(), payload.data(),
                                 payload.size(), kZstdLevel);
  // Compressing into ZSTD_compressBound bytes cannot fail.
  compressed.resize(ZSTD_isError(n) ? 0 : n);

  std::string out(kMagic.begin(), kMagic.end());
  PutU32(&out, kFormatVersion);
  PutU32(&out, static_cast<uint32_t>(kind));
  PutU64(&out, analyzer::StableHash64(block));
  PutU64(&out, payload.size());
  PutU64(&out, compressed.size());
  out += compressed;
  PutU32(&out, Crc32(out));
  return out;
}

Result<std::unique_ptr<Partial>> Partial::Decode(std::string_view bytes, std::string_view name) {
  if (!bytes.starts_with(kMagic)) {
    return Bad(name, "not a trace-analyze partial result (no partial header)");
  }
  if (bytes.size() < kHeaderBytes + kTrailerBytes) {
    return Bad(name, fmt::format("truncated partial result: {} bytes, shorter than its header",
                                 bytes.size()));
  }
  const auto version = static_cast<uint32_t>(GetLe(bytes, 8, 4));
  if (version != kFormatVersion) {
    return Bad(name, fmt::format("partial format version {}; this trace-analyze reads version {} "
                                 "(make every partial with the same release)",
                                 version, kFormatVersion));
  }
  const uint64_t payload_size = GetLe(bytes, 24, 8);
  const uint64_t compressed_size = GetLe(bytes, 32, 8);
  const size_t body = bytes.size() - kHeaderBytes - kTrailerBytes;
  if (compressed_size != body) {
    return Bad(name, fmt::format("{} partial result: its header announces {} bytes of data, the "
                                 "file holds {}",
                                 compressed_size > body ? "truncated" : "malformed",
                                 compressed_size, body));
  }
  const auto crc = static_cast<uint32_t>(GetLe(bytes, bytes.size() - kTrailerBytes, 4));
  if (crc != Crc32(bytes.substr(0, bytes.size() - kTrailerBytes))) {
    return Bad(name, "corrupt partial result: checksum mismatch");
  }
  const auto kind_value = static_cast<uint32_t>(GetLe(bytes, 12, 4));
  if (kind_value < 1 || kind_value > 3) {
    return Bad(name, fmt::format("unknown partial kind {}", kind_value));
  }
  const auto kind = static_cast<Kind>(kind_value);
  // zstd expands at most ~43,000 times (3 bytes per 128 KiB block): a
  // larger announced size is corrupt, not merely big.
  const std::string_view frame = bytes.substr(kHeaderBytes, body);
  if (payload_size > (compressed_size + 1) * 65536 ||
      ZSTD_getFrameContentSize(frame.data(), frame.size()) != payload_size) {
    return Bad(name, "corrupt partial result: inconsistent sizes");
  }
  std::string payload(payload_size, '\0');
  const size_t n = ZSTD_decompress(payload.data(), payload.size(), frame.data(), frame.size());
  if (ZSTD_isError(n) || n != payload_size) {
    return Bad(name, fmt::format("corrupt partial result: {}",
                                 ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short data"));
  }

  ByteReader r(payload);
  const std::string settings = r.Str();
  if (r.ok() && analyzer::StableHash64(settings) != GetLe(bytes, 16, 8)) {
    r.Fail("settings fingerprint mismatch");
  }
  ByteReader sr(settings);
  AnalysisOptions analysis;
  DiffSideOptions side;
  Read(sr, &analysis);
  if (IsDiffKind(kind)) Read(sr, &side);
  if (!r.ok() || !sr.ok() || !sr.at_end()) {
    return Bad(name,
               fmt::format("corrupt partial result: settings: {}", !r.ok()   ? r.error()
                                                                   : sr.ok() ? "trailing bytes"
                                                                             : sr.error()));
  }
  auto p = std::make_unique<Partial>(kind, analysis, std::move(side));
  ReadRead(r, &p->read);
  p->analyzer_->Load(r);
  if (p->sampler_) p->sampler_->Load(r);
  if (p->collector_) p->collector_->Load(r);
  if (r.ok() && !r.at_end()) r.Fail("trailing bytes");
  if (!r.ok()) return Bad(name, fmt::format("corrupt partial result: {}", r.error()));
  return p;
}

AnalysisOptions PartialAnalysisOptions(AnalysisOptions analysis) {
  analysis.fold_stacks = true;
  analysis.detectors.keep_examples = true;
  return analysis;
}

Result<std::vector<std::string>> ExpandPartialPaths(const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<std::string> found;
      for (const fs::directory_entry& e : fs::directory_iterator(arg, ec)) {
        if (e.is_regular_file(ec) && e.path().extension() == ".tap") {
          found.push_back(e.path().string());
        }
      }
      if (ec) return Bad(arg, ec.message());
      if (found.empty()) return Bad(arg, "a folder without partial results (*.tap)");
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(arg, ec)) {
      out.push_back(arg);
    } else {
      return Bad(arg, "no such file or folder");
    }
  }
  if (out.empty()) return Error{ErrorCode::kInput, "no partial results given"};
  return out;
}

Result<std::unique_ptr<Partial>> ReadAndMerge(const std::vector<std::string>& paths,
                                              std::optional<Kind> want) {
  std::unique_ptr<Partial> merged;
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in || in.bad()) return Bad(path, "cannot read the file");
    Result<std::unique_ptr<Partial>> part = Partial::Decode(bytes.str(), path);
    if (!part.ok()) return part.error();
    if (!want) want = part.value()->kind();
    if (part.value()->kind() != *want) {
      return Bad(path, fmt::format("{} partial, where {} partial is needed",
                                   KindPhrase(part.value()->kind()), KindPhrase(*want)));
    }
    if (!merged) {
      merged = std::move(part).value();
      continue;
    }
    if (Status s = merged->Merge(*part.value(), path, paths.front()); !s.ok()) return s.error();
  }
  return merged;
}

}  // namespace trace_analyze::partial
