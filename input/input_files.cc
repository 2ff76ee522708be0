#include "input/input_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace trace_analyze::input {
namespace {

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  s = s.substr(s.size() - suffix.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = (s[i] >= 'A' && s[i] <= 'Z') ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
    if (c != suffix[i]) return false;
  }
  return true;
}

}  // namespace

bool IsTraceFileName(std::string_view name) {
  for (std::string_view compression : {".gz", ".zst"}) {
    if (EndsWithIgnoreCase(name, compression)) {
      name.remove_suffix(compression.size());
      break;
    }
  }
  for (std::string_view extension : {".json", ".jsonl", ".ndjson"}) {
    if (EndsWithIgnoreCase(name, extension) && name.size() > extension.size()) return true;
  }
  return false;
}

Result<std::vector<std::string>> ListTraceFiles(const std::string& folder) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec) || type_ec) continue;
    const fs::path& path = it->path();
    if (IsTraceFileName(path.filename().string())) files.push_back(path.string());
  }
  if (ec) {
    return Error{ErrorCode::kInput, fmt::format("{}: cannot list: {}", folder, ec.message())};
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace trace_analyze::input
