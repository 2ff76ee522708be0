// The machine's floor for reading a Jaeger UI JSON file: load it and visit
// every key and every value of every span with simdjson On-Demand, one
// thread, nothing else (no model, no analysis). bench/bench.py reports our
// times as ratios to this, measured in the same run, so the numbers say how
// close to what the hardware allows we are on any CPU.
//
//   build/bench/bare_scan FILE.json
// Prints the wall time and what it visited; exit 2 when the file is not a
// Jaeger UI document ({"data": [trace, ...]}).
#include <fmt/format.h>
#include <simdjson.h>

#include <chrono>
#include <cstdint>

namespace {

struct Counts {
  uint64_t spans = 0, keys = 0, values = 0, bytes = 0;
};

// Visits `value` and everything inside it.
simdjson::error_code Visit(simdjson::ondemand::value value, Counts& counts) {
  simdjson::ondemand::json_type type;
  if (auto error = value.type().get(type)) return error;
  switch (type) {
    case simdjson::ondemand::json_type::object: {
      simdjson::ondemand::object object;
      if (auto error = value.get_object().get(object)) return error;
      for (auto field : object) {
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) return error;
        ++counts.keys;
        counts.bytes += key.size();
        if (auto error = Visit(field.value(), counts)) return error;
      }
      return simdjson::SUCCESS;
    }
    case simdjson::ondemand::json_type::array: {
      simdjson::ondemand::array array;
      if (auto error = value.get_array().get(array)) return error;
      for (auto element : array) {
        if (auto error = Visit(element.value(), counts)) return error;
      }
      return simdjson::SUCCESS;
    }
    case simdjson::ondemand::json_type::string: {
      std::string_view s;
      if (auto error = value.get_string().get(s)) return error;
      ++counts.values;
      counts.bytes += s.size();
      return simdjson::SUCCESS;
    }
    case simdjson::ondemand::json_type::number: {
      double d;
      if (auto error = value.get_double().get(d)) return error;
      ++counts.values;
      counts.bytes += d != 0;
      return simdjson::SUCCESS;
    }
    case simdjson::ondemand::json_type::boolean: {
      bool b;
      if (auto error = value.get_bool().get(b)) return error;
      ++counts.values;
      return simdjson::SUCCESS;
    }
    case simdjson::ondemand::json_type::null:
      ++counts.values;
      return value.is_null().error();
  }
  return simdjson::SUCCESS;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fmt::print(stderr, "usage: bare_scan FILE.json\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  simdjson::padded_string json;
  if (auto error = simdjson::padded_string::load(argv[1]).get(json)) {
    fmt::print(stderr, "bare_scan: {}: {}\n", argv[1], simdjson::error_message(error));
    return 2;
  }
  const auto loaded = std::chrono::steady_clock::now();
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  simdjson::ondemand::array traces;
  Counts counts;
  auto error = parser.iterate(json).get(doc);
  if (!error) error = doc["data"].get_array().get(traces);
  for (auto trace : traces) {
    if (error) break;
    simdjson::ondemand::object object;
    if ((error = trace.get_object().get(object))) break;
    for (auto field : object) {
      std::string_view key;
      if ((error = field.unescaped_key().get(key))) break;
      if (key != "spans") {
        error = Visit(field.value(), counts);  // processes, warnings, ids
      } else {
        simdjson::ondemand::array spans;
        if ((error = field.value().get_array().get(spans))) break;
        for (auto span : spans) {
          ++counts.spans;
          if ((error = Visit(span.value(), counts))) break;
        }
      }
      if (error) break;
    }
  }
  if (error) {
    fmt::print(stderr, "bare_scan: {}: {}\n", argv[1], simdjson::error_message(error));
    return 2;
  }
  const auto done = std::chrono::steady_clock::now();
  const auto seconds = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  fmt::print("load {:.3f} s, scan {:.3f} s, total {:.3f} s; {} spans, {} keys, {} values\n",
             seconds(start, loaded), seconds(loaded, done), seconds(start, done), counts.spans,
             counts.keys, counts.values);
  return 0;
}
