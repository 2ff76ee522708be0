#include "reports/html_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "reports/escape.h"
#include "reports/format.h"
#include "reports/html_util.h"
#include "reports/spill_buffer.h"

namespace trace_analyze::reports {
namespace {

// A waterfall of the spans on a trace's critical path: each span's whole
// interval in a light bar, its critical sections in its service colour.
// Sections of each span of `t`, by span id (views into t's strings).
std::unordered_map<std::string_view, std::vector<const analyzer::PathSection*>> SectionsBySpan(
    const analyzer::TracePath& t) {
  std::unordered_map<std::string_view, std::vector<const analyzer::PathSection*>> out;
  for (const analyzer::PathSection& s : t.sections) out[s.span_id].push_back(&s);
  return out;
}

// One span's critical-path sections as rects on a bar, x = `x(µs)`:
// sections less than half a unit apart are drawn as one, so a parent with a
// million sections between its children costs at most one rect per unit of
// width.
void SectionRects(const std::vector<const analyzer::PathSection*>& sections,
                  const std::function<double(int64_t)>& x, double y, int height,
                  const std::string& colour, std::ostream& out) {
  double from = 0, to = -1;
  const auto emit = [&] {
    if (to < from) return;
    out << fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.0f}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>", from, y,
        std::max(1.0, to - from), height, colour);
  };
  for (const analyzer::PathSection* s : sections) {  // in start order
    const double a = x(s->start_us), b = x(s->end_us);
    if (to >= from && a <= to + 0.5) {
      to = std::max(to, b);
      continue;
    }
    emit();
    from = a;
    to = b;
  }
  emit();
}

void Waterfall(const analyzer::TracePath& t, std::ostream& out) {
  const int label_w = 360, bar_w = 780, row_h = 18, width = label_w + bar_w + 10;
  const size_t rows = std::min<size_t>(t.spans.size(), 200);
  const double scale =
      t.duration_us > 0 ? static_cast<double>(bar_w) / static_cast<double>(t.duration_us) : 0;
  const auto x = [&](int64_t us) { return label_w + static_cast<double>(us - t.start_us) * scale; };
  out << fmt::format(
      "<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"critical path waterfall\">\n", width,
      rows * row_h + 24);
  const auto sections = SectionsBySpan(t);
  for (size_t i = 0; i < rows; ++i) {
    const analyzer::PathSpan& s = t.spans[i];
    const double y = static_cast<double>(i * row_h);
    const std::string label = std::string(std::min<size_t>(s.depth, 12) * 2, ' ') + s.name.service +
                              " " + s.name.operation;
    out << fmt::format(
        "<g><title>{}</title>",
        EscapeHtml(fmt::format("{} {}\nspan {}\nduration {} ms, self {} ms, on critical path {} ms",
                               s.name.service, s.name.operation, s.span_id, FormatMs(s.duration_us),
                               FormatMs(s.self_us), FormatMs(s.critical_us))));
    out << fmt::format("<text x=\"{}\" y=\"{:.0f}\" xml:space=\"preserve\">{}</text>", 2, y + 13,
                       EscapeHtml(EllipsizeUtf8(label, 60)));
    out << fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.0f}\" width=\"{:.1f}\" height=\"{}\" fill=\"#dfe3ec\"/>",
        x(s.start_us), y + 3, std::max(1.0, static_cast<double>(s.duration_us) * scale), row_h - 6);
    if (auto it = sections.find(s.span_id); it != sections.end()) {
      SectionRects(it->second, x, y + 3, row_h - 6, ServiceColour(s.name.service), out);
    }
    out << "</g>\n";
  }
  out << fmt::format("<text x=\"{}\" y=\"{}\" class=\"muted\">0 ms</text>", label_w,
                     rows * row_h + 18);
  out << fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{} ms</text>", width - 10,
                     rows * row_h + 18, FormatMs(t.duration_us));
  out << "</svg>\n";
  if (t.spans.size() > rows) {
    out << fmt::format("<p class=\"muted\">First {} of {} spans on the path.</p>\n", rows,
                       t.spans.size());
  }
}

// A finding's example and its re-timed twin, on the same scale.
void FindingExamplePictures(const analyzer::Finding& f, const analyzer::InputSummary& input,
                            std::ostream& out) {
  if (!f.example) return;
  const analyzer::FindingExample& e = *f.example;
  const char* what = "the run as it ran, then re-timed as if its calls had started together";
  if (e.model == analyzer::RetimeModel::kBatch) {
    what = "the loop as it ran, then re-timed as if its calls were one batch";
  } else if (e.model == analyzer::RetimeModel::kCache) {
    what = "the calls as they ran, then re-timed as if the repeats came from a cache";
  }
  out << fmt::format(
      "<details open class=\"finding-example\"><summary>Example trace {}: {} (the parent {} ms "
      "&rarr; {} ms)</summary>\n",
      HtmlTraceRef(input, e.trace_id), what, FormatMs(e.parent_duration_us),
      FormatMs(e.retimed_parent_duration_us));
  ExampleWaterfall(e, false, e.parent_duration_us, out);
  ExampleWaterfall(e, true, e.parent_duration_us, out);
  if (e.children_total > e.children.size()) {
    out << fmt::format("<p class=\"muted\">{} of the parent's {} children, around the run.</p>\n",
                       e.children.size(), e.children_total);
  }
  out << "</details>\n";
}

// An icicle of the aggregated critical path: frames are "service operation"
// nodes of the call tree, widths proportional to critical-path time.
struct Node {
  std::string name;
  int64_t total = 0;
  std::map<std::string, std::unique_ptr<Node>> children;
};

void Icicle(const std::vector<std::pair<std::string, int64_t>>& stacks, std::ostream& out) {
  Node root;
  for (const auto& [stack, us] : stacks) {
    root.total += us;
    Node* n = &root;
    size_t pos = 0;
    while (pos <= stack.size()) {
      size_t a = stack.find(';', pos);
      if (a == std::string::npos) break;
      size_t b = stack.find(';', a + 1);
      if (b == std::string::npos) b = stack.size();
      const std::string name = stack.substr(pos, a - pos) + " " + stack.substr(a + 1, b - a - 1);
      auto& child = n->children[name];
      if (!child) child = std::make_unique<Node>(Node{name, 0, {}});
      child->total += us;
      n = child.get();
      pos = b + 1;
    }
  }
  if (root.total <= 0) {
    out << "<p class=\"muted\">No critical-path time.</p>\n";
    return;
  }
  constexpr int kWidth = 1160, kRowH = 20, kMaxDepth = 14;
  std::string body;
  int depth_used = 0;
  struct Item {
    const Node* node;
    double x;
    int depth;
  };
  std::vector<Item> stack = {{&root, 0, -1}};
  while (!stack.empty()) {
    const Item it = stack.back();
    stack.pop_back();
    double x = it.x;
    for (const auto& [name, child] : it.node->children) {
      const double w = static_cast<double>(child->total) / static_cast<double>(root.total) * kWidth;
      const int depth = it.depth + 1;
      if (w >= 0.5 && depth < kMaxDepth) {
        depth_used = std::max(depth_used, depth + 1);
        const std::string service = name.substr(0, name.find(' '));
        body += fmt::format(
            "<g><title>{}</title><rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" "
            "fill=\"{}\" stroke=\"#fff\"/>",
            EscapeHtml(fmt::format("{}\n{} ms on the critical path ({})", name,
                                   FormatMs(child->total),
                                   FormatPercent(static_cast<double>(child->total) /
                                                 static_cast<double>(root.total)))),
            x, depth * kRowH, w, kRowH - 1, ServiceColour(service));
        if (w > 60) {
          const size_t chars = static_cast<size_t>(w / 6.5);
          body += fmt::format(
              "<text x=\"{:.1f}\" y=\"{}\" fill=\"#fff\">{}</text>", x + 3, depth * kRowH + 14,
              EscapeHtml(name.size() > chars ? std::string(TruncateUtf8(name, chars)) + "…"
                                             : name));
        }
        body += "</g>\n";
        stack.push_back({child.get(), x, depth});
      }
      x += w;
    }
  }
  out << fmt::format(
             "<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"critical path icicle\">\n",
             kWidth, std::max(1, depth_used) * kRowH)
      << body << "</svg>\n";
}

void Quality(const analyzer::InputSummary& in, const analyzer::DataQuality& q, std::ostream& out) {
  out << "<h2>Data quality</h2>\n<table><tr><th class=\"l\">counter</th><th>value</th>"
         "<th class=\"l\">counter</th><th>value</th></tr>\n";
  std::vector<std::pair<std::string, uint64_t>> counters;
  q.ForEach([&](std::string_view n, uint64_t v) { counters.emplace_back(std::string(n), v); });
  for (size_t i = 0; i < counters.size(); i += 2) {
    out << fmt::format("<tr><td class=\"l\">{}</td><td>{}</td>", counters[i].first,
                       counters[i].second);
    if (i + 1 < counters.size()) {
      out << fmt::format("<td class=\"l\">{}</td><td>{}</td>", counters[i + 1].first,
                         counters[i + 1].second);
    }
    out << "</tr>\n";
  }
  out << "</table>\n";
  if (in.problems_total > 0) {
    out << fmt::format("<p>{} piece(s) of input skipped:</p><ul>\n", in.problems_total);
    for (const std::string& p : in.problems)
      out << "<li><code>" << EscapeHtml(p) << "</code></li>\n";
    out << "</ul>\n";
  }
}

}  // namespace

void HtmlWriter::WriteAnalyze(const analyzer::AnalyzeResult& result, const WriteOptions&,
                              std::ostream& out) const {
  const analyzer::ProfileReport& p = result.profile;
  HtmlHead("trace-analyze report", out);
  size_t shown = 0;
  for (const analyzer::Finding& f : result.findings) shown += f.suppressed ? 0 : 1;
  const uint64_t high = result.high_confidence;  // of all findings, shown or not
  const bool failed = result.fail_on_findings && high > 0;
  out << "<h1>trace-analyze report</h1>\n";
  HtmlPartial(result.input, out);
  out << fmt::format(
      "<p class=\"verdict{}\">{} {} traces, {} spans from {}; {} findings, {} high "
      "confidence; critical-path mode {}.</p>\n",
      failed                 ? " fail"
      : result.input.partial ? " partial"
                             : "",
      failed                 ? "&#10007;"
      : result.input.partial ? "&#9888;"
                             : "&#10003;",
      p.traces, result.quality.spans, HtmlSource(result.input), shown, high,
      EscapeHtml(result.cp_mode));

  out << "<h2>Latency by root operation</h2>\n<table><tr><th class=\"l\">root operation</th>"
         "<th>traces</th><th>errors</th><th>p50 ms</th><th>p90 ms</th><th>p95 ms</th>"
         "<th>p99 ms</th><th>max ms</th></tr>\n";
  for (const analyzer::RootLatencyRow& r : p.root_latency) {
    out << fmt::format(
        "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td></tr>\n",
        HtmlOp(r.root), r.traces, r.errors, FormatMs(r.p50_us), FormatMs(r.p90_us),
        FormatMs(r.p95_us), FormatMs(r.p99_us), FormatMs(r.max_us));
  }
  out << "</table>\n";

  if (result.findings_enabled) {
    out << "<h2>Findings</h2>\n";
    if (shown == 0) out << "<p>No bottleneck found.</p>\n";
    out << "<table><tr><th>#</th><th class=\"l\">finding</th><th>saves p50 ms</th>"
           "<th>p95 ms</th><th>instances</th><th>traces</th></tr>\n";
    size_t rank = 0;
    for (const analyzer::Finding& f : result.findings) {
      if (f.suppressed) continue;
      const std::string what =
          FoldSteps(RunLabel(f.run, f.sequence, HtmlOp, " &rarr; "), " &rarr; ");
      out << fmt::format(
          "<tr><td>{}</td><td class=\"l\"><span class=\"tag\">{}</span> <span class=\"tag {}\">{}"
          "</span> {} <span class=\"muted\">under {}</span><ul class=\"reasons\">",
          ++rank, analyzer::FindingKindName(f.kind), analyzer::ConfidenceName(f.confidence),
          analyzer::ConfidenceName(f.confidence), what, HtmlOp(f.parent));
      for (size_t i = FirstEvidenceReason(f); i < f.reasons.size(); ++i) {
        out << "<li>" << EscapeHtml(f.reasons[i]) << "</li>";
      }
      out << "<li>examples:";
      for (const std::string& id : f.example_trace_ids)
        out << ' ' << HtmlTraceRef(result.input, id);
      out << fmt::format("; fingerprint <code>{}</code></li></ul>", f.fingerprint);
      FindingExamplePictures(f, result.input, out);
      out << "</td>";
      out << fmt::format("<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                         FormatMs(f.realistic.p50_us), FormatMs(f.realistic.p95_us), f.instances,
                         f.traces);
    }
    out << "</table>\n";
  }

  for (const analyzer::RepresentativeTrace& r : result.representatives) {
    out << fmt::format(
        "<h2>A {} trace: {}</h2>\n<p class=\"muted\">{} ms (the {} of all traces is "
        "{} ms); the critical path is coloured, the rest of each span grey.</p>\n",
        EscapeHtml(r.label), HtmlTraceRef(result.input, r.path.trace_id),
        FormatMs(r.path.duration_us), EscapeHtml(r.label), FormatMs(r.percentile_us));
    Waterfall(r.path, out);
  }

  out << "<h2>Aggregated critical path</h2>\n<p class=\"muted\">Call paths on the critical "
         "path of all traces; width is critical-path time.</p>\n";
  Icicle(p.stacks, out);

  out << "<h2>Critical path by service</h2>\n<table><tr><th class=\"l\">service</th>"
         "<th>on path ms</th><th>share</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th>"
         "<th>traces</th></tr>\n";
  for (const analyzer::ProfileRow& r : p.by_service) {
    out << fmt::format(
        "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td></tr>\n",
        EscapeHtml(r.name.service), FormatMs(r.critical_us), FormatPercent(r.share),
        FormatMs(r.p50_us), FormatMs(r.p95_us), FormatMs(r.p99_us), r.traces);
  }
  out << "</table>\n";
  Quality(result.input, result.quality, out);
  out << "</body></html>\n";
}

namespace {

// A Jaeger-UI-like timeline of every span of a trace (TracePath::timeline):
// one row per span, indented by depth, its full extent in grey and its
// critical-path sections in its service's colour on the same bar. A span with
// children is a <details> element: its subtree folds without JavaScript.
// Nesting stops at kMaxNesting levels (deeper spans are plain rows, still
// indented), which keeps browsers' layout depth bounded.
void Timeline(const analyzer::TracePath& t, std::ostream& out) {
  constexpr uint32_t kMaxNesting = 48;
  constexpr double kBarWidth = 1000;
  const double scale = t.duration_us > 0 ? kBarWidth / static_cast<double>(t.duration_us) : 0;
  const auto x = [&](int64_t us) { return static_cast<double>(us - t.start_us) * scale; };
  const auto sections = SectionsBySpan(t);
  out << "<div class=\"tl\" role=\"tree\">\n"
      << fmt::format("<div class=\"tl-axis\"><span>0 ms</span><span>{} ms</span></div>\n",
                     FormatMs(t.duration_us));
  std::vector<uint32_t> open;  // subtree ends of the open <details>
  for (uint32_t i = 0; i < t.timeline.size(); ++i) {
    while (!open.empty() && open.back() <= i) {
      out << "</details>\n";
      open.pop_back();
    }
    const analyzer::TimelineSpan& s = t.timeline[i];
    const bool folds = s.subtree_end > i + 1 && open.size() < kMaxNesting;
    const std::string title =
        fmt::format("{} {}\nspan {}\nstart +{} ms, duration {} ms, on the critical path {} ms",
                    s.name.service, s.name.operation, s.span_id, FormatMs(s.start_us - t.start_us),
                    FormatMs(s.duration_us), FormatMs(s.critical_us));
    // The numbers as the bar's SVG <title> (a tooltip), as in the waterfalls:
    // names never sit in an attribute.
    std::string row = fmt::format(
        "<div class=\"tl-row\"><span class=\"tl-label\" style=\"padding-left:{}px\">{}</span>"
        "<svg class=\"tl-bar\" viewBox=\"0 0 {} 12\" preserveAspectRatio=\"none\"><title>{}</title>"
        "<rect x=\"{:.1f}\" y=\"2\" width=\"{:.1f}\" height=\"8\" fill=\"#dfe3ec\"/>",
        std::min<uint32_t>(s.depth, 40) * 12, HtmlOp(s.name), kBarWidth, EscapeHtml(title),
        x(s.start_us), std::max(1.0, static_cast<double>(s.duration_us) * scale));
    if (auto it = sections.find(s.span_id); it != sections.end()) {
      std::ostringstream rects;
      SectionRects(it->second, x, 1, 10, ServiceColour(s.name.service), rects);
      row += rects.str();
    }
    row += "</svg></div>";
    if (folds) {
      out << "<details open><summary>" << row << "</summary>\n";
      open.push_back(s.subtree_end);
    } else {
      out << "<div class=\"tl-leaf\">" << row << "</div>\n";
    }
  }
  for (size_t k = 0; k < open.size(); ++k) out << "</details>\n";
  out << "</div>\n";
  if (t.timeline_spans > t.timeline.size()) {
    out << fmt::format(
        "<p class=\"muted\">First {} of {} spans, depth first; the critical path of the others "
        "is in the other formats.</p>\n",
        t.timeline.size(), t.timeline_spans);
  }
}

// Pictures of the first kTimelineTraces traces, a table row for each of the
// others: the page stays small however many traces the input holds. The
// pictures are rendered as their traces come (they follow the heading, which
// counts the traces), the rows go to a spill buffer.
class HtmlCriticalPathSink : public CriticalPathSink {
 public:
  HtmlCriticalPathSink(const WriteOptions& o, std::string_view ui_url) : rows_(o.spill_bytes) {
    links_.ui_url = ui_url;
  }

  void Add(const analyzer::TracePath& t) override {
    if (traces_++ < ReportWriter::kTimelineTraces) {
      drawn_ << fmt::format("<h2>Trace {}: {} ms, critical path {} ms</h2>\n",
                            HtmlTraceRef(links_, t.trace_id), FormatMs(t.duration_us),
                            FormatMs(t.critical_path_us));
      if (t.timeline.empty()) {
        Waterfall(t, drawn_);
      } else {
        drawn_ << "<p class=\"muted\">Every span; the critical path is coloured by service on the "
                  "bars. Click a span to fold its subtree.</p>\n";
        Timeline(t, drawn_);
      }
      return;
    }
    rows_.Append("<tr><td class=\"l\">" + HtmlTraceRef(links_, t.trace_id) + "</td>" +
                 fmt::format("<td>{}</td><td>{}</td><td>{}</td></tr>\n", FormatMs(t.duration_us),
                             FormatMs(t.critical_path_us), t.spans.size()));
  }

  Status Finish(const analyzer::CriticalPathSummary& summary, std::ostream& out) override {
    assert(summary.input.ui_url == links_.ui_url && summary.traces == traces_);
    if (Status spilled = rows_.status(); !spilled.ok()) return spilled;
    HtmlHead("trace-analyze critical path", out);
    out << "<h1>Critical path</h1>\n";
    HtmlPartial(summary.input, out);
    out << fmt::format("<p class=\"muted\">{} trace(s) from {}, {} mode.</p>\n", summary.traces,
                       HtmlSource(summary.input), EscapeHtml(summary.cp_mode));
    out << drawn_.view();
    const uint64_t drawn = std::min<uint64_t>(traces_, ReportWriter::kTimelineTraces);
    if (traces_ > drawn) {
      out << fmt::format(
          "<h2>The other {} traces</h2>\n<p class=\"muted\">Drawn above: the first {}; choose "
          "others with <code>--trace ID</code>.</p>\n<table><tr><th class=\"l\">trace</th>"
          "<th>duration ms</th><th>critical path ms</th><th>spans on the path</th></tr>\n",
          traces_ - drawn, drawn);
      if (Status copied = rows_.CopyTo(out); !copied.ok()) return copied;
      out << "</table>\n";
    }
    Quality(summary.input, summary.quality, out);
    out << "</body></html>\n";
    return OkStatus();
  }

 private:
  analyzer::InputSummary links_;  // only ui_url: where trace ids link
  std::ostringstream drawn_;      // the first traces' pictures
  SpillBuffer rows_;              // one table row for each other trace
  uint64_t traces_ = 0;
};

}  // namespace

std::unique_ptr<CriticalPathSink> HtmlWriter::NewCriticalPathSink(const WriteOptions& options,
                                                                  std::string_view ui_url) const {
  return std::make_unique<HtmlCriticalPathSink>(options, ui_url);
}

}  // namespace trace_analyze::reports
