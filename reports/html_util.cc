#include "reports/html_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <string_view>
#include <vector>

#include "reports/escape.h"
#include "reports/format.h"

namespace trace_analyze::reports {

namespace {

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1200px;
padding:16px;color:#1d2330}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #dde}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{padding:3px 8px;text-align:right;
border-bottom:1px solid #eef}th{background:#f4f6fb}td.l,th.l{text-align:left}
.verdict{font-size:16px;padding:8px 12px;border-radius:6px;background:#eaf7ee}
.verdict.fail{background:#fdecec}.muted{color:#667}.tag{padding:1px 6px;border-radius:8px;
background:#eef;font-size:12px}.high{background:#d8f3df}.medium{background:#fff2cc}
.low{background:#f1f1f1}svg{width:100%;height:auto;display:block}
svg text{font:11px system-ui,sans-serif}code{font-size:12px}
ul.reasons{margin:4px 0 8px 18px;padding:0}
.st-OK{color:#1a7f37}.st-ACCEPTABLE{color:#9a6700}.st-FAIL{color:#cf222e;font-weight:600}
.legend{display:inline-block;width:12px;height:3px;vertical-align:middle;margin:0 4px}
.partial{padding:8px 12px;border-radius:6px;background:#fff2cc;border-left:4px solid #d9a400}
.verdict.partial{background:#fff2cc;border-left:none}
.tl{border:1px solid #dde;border-radius:4px;font-size:12px}
.tl-row{display:flex;align-items:center;height:18px;border-bottom:1px solid #f4f5f9}
.tl-label{flex:0 0 340px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
.tl-row svg.tl-bar{flex:1 1 auto;height:12px;width:auto}
.tl details>summary{list-style:none;cursor:pointer}.tl details>summary::-webkit-details-marker{display:none}
.tl details>summary .tl-label::before{content:"\25be  "}.tl details:not([open])>summary .tl-label::before{content:"\25b8  "}
.tl-leaf .tl-label::before{content:"\2003 "}
.tl-axis{display:flex;justify-content:space-between;padding:2px 4px 2px 344px;color:#667}
@media print{body{max-width:none}h2{break-after:avoid}svg,table{break-inside:avoid}}
)";

const char* kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                          "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

}  // namespace

// Stable colour per service, independent of the order services appear in.
std::string ServiceColour(const std::string& service) {
  size_t h = 0;
  for (unsigned char c : service) h = h * 131 + c;
  return kPalette[h % std::size(kPalette)];
}

void HtmlHead(const std::string& title, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>"
      << EscapeHtml(title) << "</title>\n<style>" << kStyle << "</style></head>\n<body>\n";
}

std::string HtmlOp(const analyzer::OpName& op) {
  return EscapeHtml(op.service.empty() ? op.operation : op.service + " " + op.operation);
}

std::string HtmlTraceRef(const analyzer::InputSummary& in, const std::string& trace_id) {
  std::string code = "<code>" + EscapeHtml(trace_id) + "</code>";
  const std::string url = JaegerTraceUrl(in.ui_url, trace_id);
  if (url.empty()) return code;
  return fmt::format("<a href=\"{}\" title=\"open in the Jaeger UI\">{}</a>", EscapeHtml(url),
                     code);
}

std::string HtmlSource(const analyzer::InputSummary& in) {
  if (!in.server.empty()) return EscapeHtml(in.server);
  return fmt::format("{} files ({})", in.files, FormatBytes(in.bytes));
}

void HtmlPartial(const analyzer::InputSummary& in, std::ostream& out, std::string_view side) {
  if (!in.partial) return;
  out << "<div class=\"partial\" role=\"alert\"><strong>&#9888; Partial results"
      << (side.empty() ? "" : " (" + EscapeHtml(side) + ")")
      << ":</strong> not every requested trace could be read";
  if (!in.server.empty()) out << " from " << EscapeHtml(in.server);
  out << "; everything below covers only the traces that were.\n<ul>";
  for (const std::string& reason : in.partial_reasons)
    out << "<li>" << EscapeHtml(reason) << "</li>";
  out << "</ul></div>\n";
}

std::string FoldSteps(const std::string& html, std::string_view arrow, size_t shown) {
  std::vector<std::string_view> steps;
  std::string_view rest = html;
  for (size_t at = rest.find(arrow); at != std::string_view::npos; at = rest.find(arrow)) {
    steps.push_back(rest.substr(0, at));
    rest.remove_prefix(at + arrow.size());
  }
  steps.push_back(rest);
  if (steps.size() <= shown + 1) return html;
  std::string out;
  for (size_t i = 0; i < shown; ++i) out += std::string(steps[i]) + std::string(arrow);
  out +=
      fmt::format("<details class=\"more\"><summary>{} more steps</summary>", steps.size() - shown);
  for (size_t i = shown; i < steps.size(); ++i) {
    out += (i == shown ? "" : std::string(arrow)) + std::string(steps[i]);
  }
  return out + "</details>";
}

void ExampleWaterfall(const analyzer::FindingExample& e, bool retimed, int64_t scale_us,
                      std::ostream& out) {
  const int label_w = 300, bar_w = 640, row_h = 16, width = label_w + bar_w + 10;
  const double scale =
      scale_us > 0 ? static_cast<double>(bar_w) / static_cast<double>(scale_us) : 0;
  const auto x = [&](int64_t us) { return label_w + static_cast<double>(us) * scale; };
  const auto label = [](const analyzer::OpName& o) {
    const std::string text = o.service + " " + o.operation;
    return EscapeHtml(EllipsizeUtf8(text, 48));
  };
  const size_t rows = e.children.size() + 1;
  const int64_t parent_us = retimed ? e.retimed_parent_duration_us : e.parent_duration_us;
  out << fmt::format(
      "<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{} waterfall\" "
      "class=\"example-{}\">\n",
      width, rows * row_h + 6, retimed ? "re-timed" : "example", retimed ? "retimed" : "asis");
  out << fmt::format(
      "<g><title>{}</title><text x=\"2\" y=\"12\">{}</text><rect x=\"{}\" y=\"3\" "
      "width=\"{:.1f}\" height=\"10\" fill=\"#8893a8\"/></g>\n",
      EscapeHtml(
          fmt::format("{} {}: {} ms", e.parent.service, e.parent.operation, FormatMs(parent_us))),
      label(e.parent), label_w, std::max(1.0, static_cast<double>(parent_us) * scale));
  for (size_t i = 0; i < e.children.size(); ++i) {
    const analyzer::ExampleSpan& s = e.children[i];
    const double y = static_cast<double>((i + 1) * row_h);
    const int64_t start = retimed ? s.retimed_start_us : s.start_us;
    const int64_t duration = retimed ? s.retimed_duration_us : s.duration_us;
    out << fmt::format(
        "<g><title>{}</title><text x=\"2\" y=\"{:.0f}\">{}</text><rect x=\"{:.1f}\" "
        "y=\"{:.0f}\" width=\"{:.1f}\" height=\"10\" fill=\"{}\"{}/></g>\n",
        EscapeHtml(fmt::format("{} {}\nstart +{} ms, {} ms; on the critical path {} ms{}",
                               s.name.service, s.name.operation, FormatMs(start),
                               FormatMs(duration), FormatMs(s.critical_us),
                               s.member ? "; a call of the run" : "")),
        y + 12, label(s.name), x(start), y + 3,
        std::max(1.0, static_cast<double>(duration) * scale),
        s.member ? ServiceColour(s.name.service) : "#c9ced8",
        s.critical_us > 0 ? " stroke=\"#1d2330\" stroke-width=\"1\"" : "");
  }
  out << "</svg>\n";
}

}  // namespace trace_analyze::reports
