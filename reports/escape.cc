#include "reports/escape.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

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

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence at text[i] (1-4) with its code
// point in *cp, or 0 when the byte at i does not start one.
size_t DecodeUtf8(std::string_view text, size_t i, uint32_t* cp) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t n = 0;
  uint32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    *cp = b0 & 0x1F;
    min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    *cp = b0 & 0x0F;
    min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    *cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (text.size() - i < n) return 0;
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (b & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return n;
}

// Calls fn(code point, bytes) for each well-formed sequence of `text` and
// fn(0xFFFD, U+FFFD) for each byte that is not part of one.
template <class Fn>
void ForEachCodePoint(std::string_view text, Fn&& fn) {
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    const size_t n = DecodeUtf8(text, i, &cp);
    if (n == 0) {
      fn(uint32_t{0xFFFD}, kReplacement);
      ++i;
    } else {
      fn(cp, text.substr(i, n));
      i += n;
    }
  }
}

// Control characters other than tab, LF and CR: never meaningful in a name,
// a parse error (HTML) or invisible noise (Markdown) in a report, and C0/C1
// controls (ESC, CSI U+009B) drive a terminal that shows the report.
bool IsStrayControl(uint32_t c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F);
}

// HTML/XML entity for c, or nullptr.
const char* HtmlEntity(uint32_t c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    case '\'':
      return "&#39;";
    default:
      return nullptr;
  }
}

}  // namespace

std::string ToValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  ForEachCodePoint(text, [&](uint32_t, std::string_view bytes) { out += bytes; });
  return out;
}

std::string_view TruncateUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  // Back up over continuation bytes to the start of the cut sequence.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

std::string EllipsizeUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  return std::string(TruncateUtf8(text, max_bytes - 1)) + "…";
}

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  ForEachCodePoint(text, [&](uint32_t c, std::string_view bytes) {
    if (const char* entity = HtmlEntity(c)) {
      out += entity;
    } else if (IsStrayControl(c)) {
      out += kReplacement;
    } else {
      out += bytes;
    }
  });
  return out;
}

std::string EscapeXml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  ForEachCodePoint(text, [&](uint32_t c, std::string_view bytes) {
    if (const char* entity = HtmlEntity(c)) {
      out += entity;
    } else if ((c < 0x20 && IsStrayControl(c)) || c == 0xFFFE || c == 0xFFFF) {
      // Not allowed in XML 1.0, not even as a character reference.
    } else if (IsStrayControl(c)) {
      out += kReplacement;  // DEL and C1: discouraged in XML 1.0; CI logs echo them to terminals
    } else {
      out += bytes;
    }
  });
  return out;
}

std::string EscapeMarkdown(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  ForEachCodePoint(text, [&](uint32_t c, std::string_view bytes) {
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
        out.push_back(static_cast<char>(c));
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
      case '\t':
        out.push_back(' ');
        break;
      default:
        if (IsStrayControl(c)) {
          out += kReplacement;
        } else {
          out += bytes;
        }
    }
  });
  return out;
}

std::string EscapeTerminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  ForEachCodePoint(text, [&](uint32_t c, std::string_view bytes) {
    if (c == '\t' || c == '\n' || c == '\r') {
      out.push_back(' ');
    } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
      out += kReplacement;
    } else {
      out += bytes;
    }
  });
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
