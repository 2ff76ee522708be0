// The config file (docs/config.md): JSON with comments, holding detector
// thresholds, ignore rules and dependency hints. CLI flags override it.
#ifndef TRACE_ANALYZE_CLI_CONFIG_H_
#define TRACE_ANALYZE_CLI_CONFIG_H_

#include <string>

#include "analyzer/detector_config.h"
#include "analyzer/status.h"

namespace trace_analyze::cli {

// Reads `path` over the defaults in `config`. Unknown keys, wrong types and
// invalid regexes are errors naming the file and the key.
Status LoadConfigFile(const std::string& path, analyzer::DetectorConfig* config);

// Same, from text (for tests); `source` names it in messages.
Status ParseConfig(const std::string& text, const std::string& source,
                   analyzer::DetectorConfig* config);

}  // namespace trace_analyze::cli

#endif  // TRACE_ANALYZE_CLI_CONFIG_H_
