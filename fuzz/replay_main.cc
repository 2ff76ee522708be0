// Replay driver: links a fuzz target's LLVMFuzzerTestOneInput with a plain
// main(), so ctest can run the committed corpus and every past crasher in the
// normal (GCC) and sanitizer builds, without libFuzzer. Arguments are files or
// folders (read recursively, in sorted order). Same idea as bloaty's
// fuzz_driver.cc and fmt's FMT_FUZZ_LINKMAIN.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg(argv[i]);
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg)) {
        // README.md and .gitkeep document the folders; they are not inputs.
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && name != "README.md" && name[0] != '.') {
          files.push_back(entry.path());
        }
      }
    } else if (fs::exists(arg, ec)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "replay: no such file or folder: %s\n", argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", file.c_str(), bytes.size());
    // libFuzzer never passes a null pointer; keep one valid byte behind empty inputs.
    static const uint8_t kEmpty = 0;
    LLVMFuzzerTestOneInput(bytes.empty() ? &kEmpty : reinterpret_cast<const uint8_t*>(bytes.data()),
                           bytes.size());
  }
  std::printf("replay: %zu inputs ok\n", files.size());
  return 0;
}
