#include "reports/escape.h"

#include <fmt/format.h>

namespace trace_analyze::reports {
namespace {

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 3986 unreserved characters.
bool IsUnreserved(char c) {
  return IsAsciiAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// What a base URL keeps as is: unreserved characters, the delimiters of
// scheme, host (IPv6 brackets), port and path, and existing %-escapes.
// Everything else (quotes, parentheses, < >, &, spaces, ...) could end a
// Markdown link destination or mean something to HTML: percent-encoded.
bool KeepInBase(char c) {
  return IsUnreserved(c) || c == ':' || c == '/' || c == '%' || c == '[' || c == ']';
}

void PercentEncode(char c, std::string& out) {
  out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string EscapeXml(std::string_view text) {
  std::string out;
  for (char c : EscapeHtml(text)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
    out.push_back(c);
  }
  return out;
}

std::string EscapeMarkdown(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '|':
      case '#':
      case '~':
        out.push_back('\\');
        out.push_back(c);
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\n':
      case '\r':
        out.push_back(' ');
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string JaegerTraceUrl(std::string_view ui_url, std::string_view trace_id) {
  if (trace_id.empty()) return "";
  if (!StartsWithNoCase(ui_url, "http://") && !StartsWithNoCase(ui_url, "https://")) return "";
  while (ui_url.size() > 8 && ui_url.back() == '/') ui_url.remove_suffix(1);
  std::string out;
  for (char c : ui_url) {
    if (KeepInBase(c)) {
      out.push_back(c);
    } else {
      PercentEncode(c, out);
    }
  }
  out += "/trace/";
  for (char c : trace_id) {
    if (IsUnreserved(c)) {
      out.push_back(c);
    } else {
      PercentEncode(c, out);
    }
  }
  return out;
}

}  // namespace trace_analyze::reports
