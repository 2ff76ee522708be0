#include "formats/decode_util.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstring>

namespace trace_analyze::formats {
namespace {

std::string_view TrimTrailingSpace(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// analyzer::ParseSpanKind, with a fast path for the usual lower-case names.
analyzer::SpanKind ParseKind(std::string_view name) {
  using analyzer::SpanKind;
  if (KeyIs(name, "server")) return SpanKind::kServer;
  if (KeyIs(name, "client")) return SpanKind::kClient;
  if (KeyIs(name, "internal")) return SpanKind::kInternal;
  if (KeyIs(name, "producer")) return SpanKind::kProducer;
  if (KeyIs(name, "consumer")) return SpanKind::kConsumer;
  return analyzer::ParseSpanKind(name);
}

// JSON number syntax: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

bool ParseDecimal(std::string_view s, int64_t* out) {
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && p == end;
}

}  // namespace

std::string_view JsonTypeName(ondemand::json_type type) {
  switch (type) {
    case ondemand::json_type::array:
      return "array";
    case ondemand::json_type::object:
      return "object";
    case ondemand::json_type::number:
      return "number";
    case ondemand::json_type::string:
      return "string";
    case ondemand::json_type::boolean:
      return "boolean";
    case ondemand::json_type::null:
      return "null";
  }
  return "unknown";
}

std::string JsonErrorText(simdjson::error_code code) {
  return fmt::format("invalid JSON: {}", simdjson::error_message(code));
}

std::string Mismatch(ondemand::value& v, std::string_view expected) {
  ondemand::json_type type{};
  if (auto ec = v.type().get(type); ec) return JsonErrorText(ec);
  return fmt::format("expected {}, got {}", expected, JsonTypeName(type));
}

bool ReadInt64Slow(ondemand::value& v, bool allow_string, int64_t* out, std::string* failure) {
  if (!v.get_int64().get(*out)) return true;
  ondemand::json_type type{};
  if (auto ec = v.type().get(type); ec) {
    *failure = JsonErrorText(ec);
    return false;
  }
  if (type == ondemand::json_type::number) {
    // A fraction, an exponent or a value beyond int64.
    double d = 0;
    if (auto ec = v.get_double().get(d); ec) {
      *failure = JsonErrorText(ec);
      return false;
    }
    if (!(d >= -9.2e18 && d <= 9.2e18)) {
      *failure = fmt::format("number {} is out of range", TrimTrailingSpace(v.raw_json_token()));
      return false;
    }
    *out = static_cast<int64_t>(d);
    return true;
  }
  if (type == ondemand::json_type::string && allow_string) {
    std::string_view s;
    if (!ReadString(v, &s, failure)) return false;
    if (ParseDecimal(s, out)) return true;
    *failure = fmt::format("expected an integer, got string \"{}\"", s.substr(0, 40));
    return false;
  }
  *failure =
      fmt::format("expected {}, got {}",
                  allow_string ? "an integer (number or string)" : "a number", JsonTypeName(type));
  return false;
}

bool ReadStringSlow(ondemand::value& v, std::string_view* out, std::string* failure) {
  if (!v.get_string().get(*out)) return true;
  *failure = Mismatch(v, "a string");
  return false;
}

bool ReadValueText(ondemand::value& v, std::string_view* out, std::string* failure) {
  const std::string_view token = v.raw_json_token();
  const char first = token.empty() ? '\0' : token.front();
  if (first == '"') return ReadString(v, out, failure);
  if (first == '-' || (first >= '0' && first <= '9')) {
    // Keep the number exactly as written; check its syntax only.
    *out = TrimTrailingSpace(token);
    if (IsJsonNumber(*out)) return true;
    *failure = fmt::format("invalid number '{}'", out->substr(0, 40));
    return false;
  }
  ondemand::json_type type{};
  if (auto ec = v.type().get(type); ec) {
    *failure = JsonErrorText(ec);
    return false;
  }
  simdjson::error_code ec = simdjson::SUCCESS;
  switch (type) {
    case ondemand::json_type::boolean: {
      bool b = false;
      ec = v.get_bool().get(b);
      *out = b ? "true" : "false";
      break;
    }
    case ondemand::json_type::null: {
      bool is_null = false;
      ec = v.is_null().get(is_null);
      if (!ec && !is_null) ec = simdjson::N_ATOM_ERROR;
      *out = {};
      break;
    }
    case ondemand::json_type::array: {
      ondemand::array a;
      ec = v.get_array().get(a);
      if (!ec) ec = a.raw_json().get(*out);
      break;
    }
    case ondemand::json_type::object: {
      ondemand::object o;
      ec = v.get_object().get(o);
      if (!ec) ec = o.raw_json().get(*out);
      break;
    }
    default:
      ec = simdjson::INCORRECT_TYPE;
      break;
  }
  if (ec) {
    *failure = JsonErrorText(ec);
    return false;
  }
  return true;
}

void ApplySpanAttribute(std::string_view key, std::string_view value, analyzer::Span* span) {
  // Dispatch on length first: this runs for every tag of every span.
  switch (key.size()) {
    case 5:  // error
      if (KeyIs(key, "error") && KeyIs(value, "true")) span->error = true;
      return;
    case 9:  // span.kind
      if (KeyIs(key, "span.kind")) span->kind = ParseKind(value);
      return;
    case 16:  // otel.status_code, http.status_code
      if (KeyIs(key, "otel.status_code")) {
        if (KeyIs(value, "ERROR")) span->error = true;
        return;
      }
      [[fallthrough]];
    case 25: {  // http.response.status_code
      if (!KeyIs(key, "http.status_code") && !KeyIs(key, "http.response.status_code")) return;
      int64_t status = 0;
      if (ParseDecimal(value, &status) && status >= 500) span->error = true;
      return;
    }
    default:
      return;
  }
}

int HostKeyRank(std::string_view key) {
  static constexpr std::string_view kHostKeys[] = {"ip", "hostname", "host.name", "host.id",
                                                   "host.ip"};
  for (int i = 0; i < 5; ++i) {
    if (key == kHostKeys[i]) return i;
  }
  return -1;
}

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(*out), "\\u{:04x}", static_cast<int>(c));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

bool SpanFailure(DecodeError* error, const char* where, std::string_view span,
                 std::string_view span_id, std::string_view field, std::string_view failure) {
  error->location = where;
  std::string prefix(span);
  if (!span_id.empty()) fmt::format_to(std::back_inserter(prefix), " (id {})", span_id);
  error->message = field.empty() ? fmt::format("{}: {}", prefix, failure)
                                 : fmt::format("{}: field '{}': {}", prefix, field, failure);
  return false;
}

std::string ElementFailure(size_t index, std::string_view field, std::string_view failure) {
  if (field.empty()) return fmt::format("element {}: {}", index, failure);
  return fmt::format("element {}: field '{}': {}", index, field, failure);
}

}  // namespace trace_analyze::formats
