// The config file (docs/config.md): JSON with comments, holding detector
// thresholds, ignore rules and dependency hints, and the targets, budgets and
// expectations of `diff` / `verify`. CLI flags override or add to it.
#ifndef TRACE_ANALYZE_CLI_CONFIG_H_
#define TRACE_ANALYZE_CLI_CONFIG_H_

#include <string>
#include <vector>

#include "analyzer/detector_config.h"
#include "analyzer/status.h"
#include "analyzer/targets.h"
#include "analyzer/verify.h"

namespace trace_analyze::cli {

// Everything the config file can hold. `analyze` uses the detectors only;
// `diff` and `verify` use all of it.
struct ConfigFile {
  analyzer::DetectorConfig detectors;
  analyzer::VerifyConfig verify;              // "verify": parallelShare, expectations
  std::vector<analyzer::TargetSpec> targets;  // "targets" and "budgets", in file order
};

// Reads `path` over the values already in `config`. Unknown keys, wrong
// types, invalid regexes, targets or expectations are errors naming the
// file and the key.
Status LoadConfigFile(const std::string& path, ConfigFile* config);
Status ParseConfig(const std::string& text, const std::string& source, ConfigFile* config);

// The same, keeping only the detector settings (`analyze`); the rest of the
// file is still validated. ParseConfig reads text, `source` names it in
// messages.
Status LoadConfigFile(const std::string& path, analyzer::DetectorConfig* config);
Status ParseConfig(const std::string& text, const std::string& source,
                   analyzer::DetectorConfig* config);

}  // namespace trace_analyze::cli

#endif  // TRACE_ANALYZE_CLI_CONFIG_H_
