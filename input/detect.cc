#include "input/detect.h"

#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>

#include "input/byte_source.h"
#include "input/input_files.h"
#include "input/internal/batch.h"
#include "input/internal/json_splitter.h"

namespace trace_analyze::input {
namespace {

// Small reads: most files decide within their first few hundred bytes.
constexpr size_t kChunk = size_t{64} << 10;

Result<DetectedInput> DetectFile(const std::string& path) {
  const std::string name = path == "-" ? "<stdin>" : path;
  DetectedInput out;
  out.path = path;
  Result<std::unique_ptr<ByteSource>> raw = OpenFileSource(path);
  if (!raw.ok()) return Error{ErrorCode::kInput, fmt::format("{}: {}", name, raw.error().message)};
  // The compression from the magic number, as MakeDecodingSource sees it; a
  // pipe cannot be read twice, so stdin's bytes are not peeked at.
  if (path != "-") {
    char magic[kMaxMagicSize] = {};
    size_t got = 0;
    while (got < sizeof(magic)) {
      Result<size_t> n = raw.value()->Read(magic + got, sizeof(magic) - got);
      if (!n.ok() || n.value() == 0) break;
      got += n.value();
    }
    out.compression = SniffCompression(std::string_view(magic, got));
    raw = OpenFileSource(path);
    if (!raw.ok())
      return Error{ErrorCode::kInput, fmt::format("{}: {}", name, raw.error().message)};
  }
  Result<std::unique_ptr<ByteSource>> source = MakeDecodingSource(std::move(raw).value());
  if (!source.ok()) {
    out.problem = source.error().message;
    return out;
  }
  internal::BatchPool pool;
  internal::JsonSplitter splitter(source.value().get(), &pool, kChunk);
  std::optional<formats::FormatId> first;
  splitter.set_type_hook([&](UnitType type) {
    first = type.format;
    return false;
  });
  const Status status = splitter.Run([&](std::unique_ptr<internal::Batch> batch) {
    pool.Release(std::move(batch));
    return true;
  });
  if (first) {
    out.format = *first;
  } else if (!status.ok()) {
    out.problem = status.error().message;
  }
  return out;
}

}  // namespace

Result<std::vector<DetectedInput>> DetectInputs(std::span<const std::string> inputs) {
  std::vector<DetectedInput> out;
  for (const std::string& input : inputs) {
    std::error_code ec;
    std::vector<std::string> files;
    if (input != "-" && std::filesystem::is_directory(input, ec)) {
      Result<std::vector<std::string>> listed = ListTraceFiles(input);
      if (!listed.ok()) return listed.error();
      files = std::move(listed).value();
    } else {
      files.push_back(input);
    }
    for (const std::string& file : files) {
      Result<DetectedInput> detected = DetectFile(file);
      if (!detected.ok()) return detected.error();
      out.push_back(std::move(detected).value());
    }
  }
  return out;
}

}  // namespace trace_analyze::input
