// Parsing for the decoder fuzz targets: the fuzz input is parsed with the same
// simdjson On-Demand parser the reader uses, and each decoder is handed the
// values the splitter would hand it, classified as the splitter classifies
// them (input/sniff.h).
#ifndef TRACE_ANALYZE_FUZZ_DECODER_INPUT_H_
#define TRACE_ANALYZE_FUZZ_DECODER_INPUT_H_

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "input/sniff.h"

namespace trace_analyze::fuzz {

using ValueFn = std::function<void(simdjson::ondemand::value, input::UnitType)>;

// Calls fn(value, kind) for the document's root when it is not an array, or
// for each element when it is (a list of traces / spans / documents). Parse
// errors end the iteration: malformed JSON is the decoders' normal input.
inline void ForEachTopLevelValue(const uint8_t* data, size_t size, const ValueFn& fn) {
  namespace ondemand = simdjson::ondemand;
  static ondemand::parser parser;
  const simdjson::padded_string json(reinterpret_cast<const char*>(data), size);

  // Pass 1: the kind of each element, from its raw text (consumes it).
  std::vector<input::UnitType> kinds;
  bool is_array = false;
  {
    ondemand::document doc;
    ondemand::value root;
    ondemand::json_type type{};
    if (parser.iterate(json).get(doc) || doc.get_value().get(root) || root.type().get(type)) {
      return;
    }
    is_array = type == ondemand::json_type::array;
    if (!is_array) {
      kinds.push_back(input::ClassifyValue(std::string_view(json.data(), json.size())));
    } else {
      ondemand::array list;
      if (root.get_array().get(list)) return;
      for (auto element : list) {
        ondemand::value v;
        ondemand::json_type element_type{};
        if (element.get(v) || v.type().get(element_type)) break;
        std::string_view raw;
        bool failed = false;
        if (element_type == ondemand::json_type::object) {
          ondemand::object o;
          failed = v.get_object().get(o) || o.raw_json().get(raw);
        } else if (element_type == ondemand::json_type::array) {
          ondemand::array a;
          failed = v.get_array().get(a) || a.raw_json().get(raw);
        } else {
          raw = v.raw_json_token();
        }
        if (failed) break;
        kinds.push_back(input::ClassifyValue(raw));
      }
    }
  }

  // Pass 2: decode.
  ondemand::document doc;
  ondemand::value root;
  if (parser.iterate(json).get(doc) || doc.get_value().get(root)) return;
  if (!is_array) {
    fn(root, kinds[0]);
    return;
  }
  ondemand::array list;
  if (root.get_array().get(list)) return;
  size_t i = 0;
  for (auto element : list) {
    ondemand::value v;
    if (i == kinds.size() || element.get(v)) return;
    fn(v, kinds[i++]);
  }
}

}  // namespace trace_analyze::fuzz

#endif  // TRACE_ANALYZE_FUZZ_DECODER_INPUT_H_
