#include "reports/collapsed_writer.h"
#include "reports/html_writer.h"
#include "reports/json_writer.h"
#include "reports/junit_writer.h"
#include "reports/markdown_writer.h"
#include "reports/openmetrics_writer.h"
#include "reports/text_writer.h"
#include "reports/writer.h"

namespace trace_analyze::reports {

const std::vector<const ReportWriter*>& AllReportWriters() {
  static const TextWriter kText;
  static const JsonWriter kJson;
  static const MarkdownWriter kMarkdown;
  static const HtmlWriter kHtml;
  static const JunitWriter kJunit;
  static const CollapsedWriter kCollapsed;
  static const OpenMetricsWriter kOpenMetrics;
  static const std::vector<const ReportWriter*> kAll = {&kText,  &kJson,      &kMarkdown,   &kHtml,
                                                        &kJunit, &kCollapsed, &kOpenMetrics};
  return kAll;
}

const ReportWriter* FindReportWriter(std::string_view name) {
  for (const ReportWriter* w : AllReportWriters()) {
    if (w->name() == name) return w;
  }
  return nullptr;
}

std::vector<std::string> ReportWriterNames() {
  std::vector<std::string> names;
  for (const ReportWriter* w : AllReportWriters()) names.emplace_back(w->name());
  return names;
}

}  // namespace trace_analyze::reports
