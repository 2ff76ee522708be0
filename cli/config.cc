#include "cli/config.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

namespace trace_analyze::cli {
namespace {

using Json = nlohmann::json;

// Thrown inside this file only; turned into an Error by ParseConfig.
struct ConfigError {
  std::string message;
};

void CheckKeys(const Json& object, const std::string& where, const std::set<std::string>& known) {
  if (!object.is_object()) throw ConfigError{fmt::format("'{}' must be an object", where)};
  for (const auto& [key, value] : object.items()) {
    if (!known.contains(key)) {
      throw ConfigError{fmt::format("unknown key '{}{}'", where.empty() ? "" : where + ".", key)};
    }
  }
}

template <class T>
void Read(const Json& object, const std::string& where, const char* key, T* value) {
  if (!object.contains(key)) return;
  const Json& v = object.at(key);
  const std::string name = where + "." + key;
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) throw ConfigError{fmt::format("'{}' must be true or false", name)};
    *value = v.get<bool>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) throw ConfigError{fmt::format("'{}' must be a string", name)};
    *value = v.get<std::string>();
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!v.is_number() || v.get<double>() < 0) {
      throw ConfigError{fmt::format("'{}' must be a non-negative number", name)};
    }
    *value = v.get<T>();
  } else {
    if (!v.is_number_integer() || v.get<int64_t>() < 0) {
      throw ConfigError{fmt::format("'{}' must be a non-negative integer", name)};
    }
    *value = static_cast<T>(v.get<int64_t>());
  }
}

// Patterns are bounded before libstdc++'s regex compiler sees them
// (analyzer::RegexBoundsError).
void CheckRegex(const std::string& pattern, const std::string& where) {
  if (pattern.empty()) return;
  if (const std::string bounds = analyzer::RegexBoundsError(pattern); !bounds.empty()) {
    throw ConfigError{fmt::format("'{}': {}", where, bounds)};
  }
  try {
    std::regex re(pattern);
  } catch (const std::regex_error& e) {
    throw ConfigError{
        fmt::format("'{}': invalid regular expression '{}': {}", where, pattern, e.what())};
  }
}

// "targets": ["expression", ...] and "budgets": [{"operation", "percentile",
// "target", "acceptable"}, ...].
void ApplyTargets(const Json& doc, std::vector<analyzer::TargetSpec>* targets) {
  if (doc.contains("targets")) {
    if (!doc["targets"].is_array()) throw ConfigError{"'targets' must be a list of strings"};
    size_t i = 0;
    for (const Json& t : doc["targets"]) {
      const std::string where = fmt::format("targets[{}]", i++);
      if (!t.is_string()) throw ConfigError{fmt::format("'{}' must be a string", where)};
      Result<analyzer::TargetSpec> spec =
          analyzer::ParseTarget(t.get<std::string>(), "config " + where);
      if (!spec.ok()) throw ConfigError{fmt::format("'{}': {}", where, spec.error().message)};
      targets->push_back(std::move(spec).value());
    }
  }
  if (doc.contains("budgets")) {
    if (!doc["budgets"].is_array()) throw ConfigError{"'budgets' must be a list"};
    size_t i = 0;
    for (const Json& b : doc["budgets"]) {
      const std::string where = fmt::format("budgets[{}]", i++);
      CheckKeys(b, where, {"operation", "percentile", "target", "acceptable", "reason"});
      std::string operation, target, acceptable;
      int64_t percentile = 95;
      Read(b, where, "operation", &operation);
      Read(b, where, "target", &target);
      Read(b, where, "acceptable", &acceptable);
      Read(b, where, "percentile", &percentile);
      if (operation.empty() || target.empty()) {
        throw ConfigError{fmt::format("'{}' needs an operation and a target", where)};
      }
      if (percentile != 50 && percentile != 90 && percentile != 95 && percentile != 99) {
        throw ConfigError{fmt::format("'{}.percentile' must be 50, 90, 95 or 99", where)};
      }
      Result<analyzer::TargetSpec> spec = analyzer::MakeBudget(
          operation, static_cast<int>(percentile), target,
          acceptable.empty() ? std::nullopt : std::optional<std::string_view>(acceptable),
          "config " + where);
      if (!spec.ok()) throw ConfigError{fmt::format("'{}': {}", where, spec.error().message)};
      targets->push_back(std::move(spec).value());
    }
  }
}

// "verify": {"parallelShare": 0.9, "expectations": [{"fingerprint"} or
// {"parent", "children"}, with optional "name", "minOverlapShare", "reason"]}.
void ApplyVerify(const Json& doc, analyzer::VerifyConfig* v) {
  if (!doc.contains("verify")) return;
  const Json& s = doc["verify"];
  CheckKeys(s, "verify", {"parallelShare", "expectations"});
  const auto read_share = [](const Json& object, const std::string& where, const char* key,
                             double* value) {
    Read(object, where, key, value);
    if (object.contains(key) && (*value <= 0 || *value > 1)) {
      throw ConfigError{fmt::format("'{}.{}' must be a share in (0, 1]", where, key)};
    }
  };
  read_share(s, "verify", "parallelShare", &v->parallel_share);
  if (!s.contains("expectations")) return;
  if (!s["expectations"].is_array()) throw ConfigError{"'verify.expectations' must be a list"};
  size_t i = 0;
  for (const Json& e : s["expectations"]) {
    const std::string where = fmt::format("verify.expectations[{}]", i++);
    CheckKeys(e, where, {"name", "fingerprint", "parent", "children", "minOverlapShare", "reason"});
    std::string name, fingerprint, parent;
    Read(e, where, "name", &name);
    Read(e, where, "fingerprint", &fingerprint);
    Read(e, where, "parent", &parent);
    std::vector<std::string> children;
    if (e.contains("children")) {
      const Json& c = e["children"];
      if (!c.is_array() ||
          !std::all_of(c.begin(), c.end(), [](const Json& x) { return x.is_string(); })) {
        throw ConfigError{fmt::format("'{}.children' must be a list of names", where)};
      }
      for (const Json& x : c) children.push_back(x.get<std::string>());
    }
    std::string error;
    std::optional<analyzer::Expectation> x;
    if (!fingerprint.empty() && parent.empty() && children.empty()) {
      x = analyzer::ParseExpectation(fingerprint, &error);
      if (x && x->pattern) x.reset();  // a fingerprint field must hold a fingerprint
      if (!x) {
        throw ConfigError{fmt::format("'{}.fingerprint' must be 16 lower-case hex digits", where)};
      }
    } else if (fingerprint.empty() && !parent.empty()) {
      x = analyzer::Expectation{};
      x->pattern = analyzer::MakePatternDef(parent, children, &error);
      if (!x->pattern) throw ConfigError{fmt::format("'{}': {}", where, error)};
      x->fingerprint = x->pattern->fingerprint;
      x->name = parent + ">";
      for (size_t k = 0; k < children.size(); ++k) x->name += (k ? "," : "") + children[k];
    } else {
      throw ConfigError{
          fmt::format("'{}' needs either a fingerprint or a parent and children", where)};
    }
    if (!name.empty()) x->name = name;
    if (e.contains("minOverlapShare")) {
      double share = 0;
      read_share(e, where, "minOverlapShare", &share);
      x->min_overlap_share = share;
    }
    v->expectations.push_back(std::move(*x));
  }
}

void Apply(const Json& doc, ConfigFile* config) {
  CheckKeys(doc, "",
            {"sequential", "nPlusOne", "repeatedCalls", "ignore", "dependencies", "maxExamples",
             "targets", "budgets", "verify"});
  ApplyTargets(doc, &config->targets);
  ApplyVerify(doc, &config->verify);
  analyzer::DetectorConfig* c = &config->detectors;
  Read(doc, "", "maxExamples", &c->max_examples);
  if (doc.contains("sequential")) {
    const Json& s = doc["sequential"];
    CheckKeys(s, "sequential",
              {"enabled", "minChainLength", "maxGapUs", "maxGapFraction",
               "overlapToleranceFraction", "minSpanUs", "minSavingUs"});
    Read(s, "sequential", "enabled", &c->sequential.enabled);
    Read(s, "sequential", "minChainLength", &c->sequential.min_chain_length);
    Read(s, "sequential", "maxGapUs", &c->sequential.max_gap_us);
    Read(s, "sequential", "maxGapFraction", &c->sequential.max_gap_fraction);
    Read(s, "sequential", "overlapToleranceFraction", &c->sequential.overlap_tolerance_fraction);
    Read(s, "sequential", "minSpanUs", &c->sequential.min_span_us);
    Read(s, "sequential", "minSavingUs", &c->sequential.min_saving_us);
    if (c->sequential.min_chain_length < 2) {
      throw ConfigError{"'sequential.minChainLength' must be at least 2"};
    }
  }
  if (doc.contains("nPlusOne")) {
    const Json& s = doc["nPlusOne"];
    CheckKeys(s, "nPlusOne", {"enabled", "minCalls", "minDistinctParams", "minTotalUs"});
    Read(s, "nPlusOne", "enabled", &c->n_plus_one.enabled);
    Read(s, "nPlusOne", "minCalls", &c->n_plus_one.min_calls);
    Read(s, "nPlusOne", "minDistinctParams", &c->n_plus_one.min_distinct_params);
    Read(s, "nPlusOne", "minTotalUs", &c->n_plus_one.min_total_us);
    if (c->n_plus_one.min_calls < 2) throw ConfigError{"'nPlusOne.minCalls' must be at least 2"};
  }
  if (doc.contains("repeatedCalls")) {
    const Json& s = doc["repeatedCalls"];
    CheckKeys(s, "repeatedCalls", {"enabled", "minCalls", "minWastedUs"});
    Read(s, "repeatedCalls", "enabled", &c->repeated.enabled);
    Read(s, "repeatedCalls", "minCalls", &c->repeated.min_calls);
    Read(s, "repeatedCalls", "minWastedUs", &c->repeated.min_wasted_us);
    if (c->repeated.min_calls < 2) {
      throw ConfigError{"'repeatedCalls.minCalls' must be at least 2"};
    }
  }
  if (doc.contains("ignore")) {
    if (!doc["ignore"].is_array()) throw ConfigError{"'ignore' must be a list"};
    size_t i = 0;
    for (const Json& r : doc["ignore"]) {
      const std::string where = fmt::format("ignore[{}]", i++);
      CheckKeys(r, where, {"fingerprint", "service", "operation", "reason"});
      analyzer::IgnoreRule rule;
      Read(r, where, "fingerprint", &rule.fingerprint);
      Read(r, where, "service", &rule.service_regex);
      Read(r, where, "operation", &rule.operation_regex);
      Read(r, where, "reason", &rule.reason);
      if (rule.fingerprint.empty() && rule.service_regex.empty() && rule.operation_regex.empty()) {
        throw ConfigError{fmt::format("'{}' needs a fingerprint, service or operation", where)};
      }
      CheckRegex(rule.service_regex, where + ".service");
      CheckRegex(rule.operation_regex, where + ".operation");
      c->ignore.push_back(std::move(rule));
    }
  }
  if (doc.contains("dependencies")) {
    if (!doc["dependencies"].is_array()) throw ConfigError{"'dependencies' must be a list"};
    size_t i = 0;
    for (const Json& d : doc["dependencies"]) {
      const std::string where = fmt::format("dependencies[{}]", i++);
      CheckKeys(d, where, {"operations", "relation", "reason"});
      const Json& ops = d.contains("operations") ? d["operations"] : Json();
      if (!ops.is_array() || ops.size() != 2 || !ops[0].is_string() || !ops[1].is_string()) {
        throw ConfigError{fmt::format("'{}.operations' must be a list of two names", where)};
      }
      analyzer::DependencyHint hint;
      hint.first = ops[0].get<std::string>();
      hint.second = ops[1].get<std::string>();
      std::string relation = "dependent";
      Read(d, where, "relation", &relation);
      if (relation != "dependent" && relation != "independent") {
        throw ConfigError{
            fmt::format("'{}.relation' must be \"dependent\" or \"independent\"", where)};
      }
      hint.dependent = relation == "dependent";
      Read(d, where, "reason", &hint.reason);
      c->dependencies.push_back(std::move(hint));
    }
  }
}

}  // namespace

Status ParseConfig(const std::string& text, const std::string& source, ConfigFile* config) {
  Json doc;
  try {
    doc = Json::parse(text, /*cb=*/nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const Json::parse_error& e) {
    return Error{ErrorCode::kInput,
                 fmt::format("{}: byte {}: not valid JSON: {}", source, e.byte, e.what())};
  } catch (const Json::exception& e) {
    // Not a parse_error: e.g. out_of_range.406 for a number beyond double.
    return Error{ErrorCode::kInput, fmt::format("{}: not valid JSON: {}", source, e.what())};
  }
  try {
    Apply(doc, config);
  } catch (const ConfigError& e) {
    return Error{ErrorCode::kInput, fmt::format("{}: {}", source, e.message)};
  } catch (const Json::exception& e) {
    return Error{ErrorCode::kInput, fmt::format("{}: {}", source, e.what())};
  }
  return OkStatus();
}

Status ParseConfig(const std::string& text, const std::string& source,
                   analyzer::DetectorConfig* config) {
  ConfigFile file;
  file.detectors = *config;
  Status parsed = ParseConfig(text, source, &file);
  if (parsed.ok()) *config = std::move(file.detectors);
  return parsed;
}

Status LoadConfigFile(const std::string& path, analyzer::DetectorConfig* config) {
  ConfigFile file;
  file.detectors = *config;
  Status loaded = LoadConfigFile(path, &file);
  if (loaded.ok()) *config = std::move(file.detectors);
  return loaded;
}

Status LoadConfigFile(const std::string& path, ConfigFile* config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorCode::kInput, fmt::format("{}: cannot open config file", path)};
  std::ostringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), path, config);
}

}  // namespace trace_analyze::cli
