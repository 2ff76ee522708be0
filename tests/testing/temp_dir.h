// A fresh temporary folder per use, removed with everything in it at the end.
#ifndef TRACE_ANALYZE_TESTS_TESTING_TEMP_DIR_H_
#define TRACE_ANALYZE_TESTS_TESTING_TEMP_DIR_H_

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace trace_analyze::testing {

inline void WriteFile(const std::filesystem::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("ta-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to `name` in the folder; returns its path.
  std::string File(const std::string& name, const std::string& content) const {
    WriteFile(path_ / name, content);
    return (path_ / name).string();
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

}  // namespace trace_analyze::testing

#endif  // TRACE_ANALYZE_TESTS_TESTING_TEMP_DIR_H_
