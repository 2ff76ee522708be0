// Fuzz target: the config file parser (cli/config.cc): JSON with comments,
// typed keys, regexes. Any input must give OK or an Error, never a crash or
// an escaping exception.
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzer/detector_config.h"
#include "cli/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  trace_analyze::analyzer::DetectorConfig config;
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)trace_analyze::cli::ParseConfig(text, "fuzz.json", &config);
  return 0;
}
