// A --jaeger search split into time windows (what trace-analyze-dask runs):
// with --split-search-from every trace is analysed in exactly one window, so
// the windows' partials merge into the report of the one search, also for
// traces whose matching spans start on both sides of a window boundary.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli/cli_test_util.h"
#include "tests/testing/fake_jaeger_http.h"

namespace trace_analyze::testing {
namespace {

constexpr int64_t kBoundaryUs = 1700002800LL * 1000000;  // 2023-11-14T23:00:00Z
const char* const kFrom = "2023-11-14T22:00:00Z";
const char* const kLastOfFirst = "2023-11-14T22:59:59.999999Z";
const char* const kBoundary = "2023-11-14T23:00:00Z";
const char* const kTo = "2023-11-15T00:00:00Z";

// Jaeger's storage semantics (a span of the service starting in the window):
// three traces on each side of the boundary, plus
// - 00000000000c0001: frontend spans at boundary − 500 µs and + 500 µs, which
//   both windows return; the first owns it;
// - 00000000000c0002: a gateway root before the boundary and frontend spans
//   after it, which only the second window returns (its start is in the
//   first: the owner is decided by the matching spans, not the trace start).
FakeJaegerStore Store() {
  FakeJaegerStore store;
  store.set_span_level_search(true);
  for (int i = 0; i < 6; ++i) {
    const int64_t sign = i < 3 ? -1 : 1;
    const int64_t offset = sign * (i % 3 + 1) * 600 * 1000000;
    store.Add(MakeFakeTrace(fmt::format("{:016x}", 0xa0000 + i), kBoundaryUs + offset, 2, i == 4));
  }
  FakeTrace both = MakeFakeTrace("00000000000c0001", kBoundaryUs - 500, 2);
  both.spans[2].service = "frontend";
  both.spans[2].start_us = kBoundaryUs + 500;
  store.Add(both);
  FakeTrace later = MakeFakeTrace("00000000000c0002", kBoundaryUs - 300, 2);
  later.spans[0].service = "gateway";
  for (size_t i = 1; i < later.spans.size(); ++i) {
    later.spans[i].service = "frontend";
    later.spans[i].start_us = kBoundaryUs + 200 * static_cast<int64_t>(i);
  }
  store.Add(later);
  return store;
}

std::vector<std::string> Search(const std::string& url, const char* from, const char* to) {
  return {"--jaeger",   url,      "--api", "http", "--service", "frontend",
          "--no-cache", "--from", from,    "--to", to};
}

// The JSON report without input.bytes (each call's envelope counts), and the
// text report without its first line (which shows the bytes).
struct Reports {
  std::string json;  // dumped again without input.bytes
  std::string text;
  int64_t traces = 0;
};

Reports Read(const std::string& json_path, const std::string& text_path) {
  Reports r;
  nlohmann::json json = nlohmann::json::parse(ReadFile(json_path));
  json["input"].erase("bytes");
  r.json = json.dump(2);
  r.traces = json["traces"].get<int64_t>();
  r.text = ReadFile(text_path);
  r.text = r.text.substr(r.text.find('\n') + 1);
  return r;
}

// The two windows' partials merged into JSON and text reports.
Reports Windowed(const std::string& url, const TempDir& dir, bool split) {
  const std::string a = (dir.path() / "a.tap").string();
  const std::string b = (dir.path() / "b.tap").string();
  std::vector<std::string> first = Search(url, kFrom, kLastOfFirst);
  std::vector<std::string> second = Search(url, kBoundary, kTo);
  if (split) {
    for (auto* window : {&first, &second})
      window->insert(window->end(), {"--split-search-from", kFrom});
  }
  Tool(Concat({"analyze", "--partial", "-o", a}, first));
  Tool(Concat({"analyze", "--partial", "-o", b}, second));
  const std::string json = (dir.path() / "merged.json").string();
  const std::string text = (dir.path() / "merged.txt").string();
  Tool({"merge", a, b, "--format", "json", "-o", json, "--report", "text=" + text});
  return Read(json, text);
}

TEST(JaegerSplitSearchTest, WindowsCountEveryTraceOnceLikeOneSearch) {
  const FakeJaegerStore store = Store();
  FakeJaegerHttp server(&store, {});
  TempDir dir;
  const std::string json = (dir.path() / "one.json").string();
  const std::string text = (dir.path() / "one.txt").string();
  Tool(Concat({"analyze", "--format", "json", "-o", json, "--report", "text=" + text},
              Search(server.url(), kFrom, kTo)));
  const Reports one = Read(json, text);
  ASSERT_EQ(one.traces, 8);

  // Without the option the straddling trace is analysed by both windows.
  EXPECT_EQ(Windowed(server.url(), dir, false).traces, 9);

  const Reports split = Windowed(server.url(), dir, true);
  EXPECT_EQ(split.json, one.json);
  EXPECT_EQ(split.text, one.text);
}

TEST(JaegerSplitSearchTest, VerboseCountsTheTracesLeftToAnEarlierWindow) {
  const FakeJaegerStore store = Store();
  FakeJaegerHttp server(&store, {});
  const CliRun run =
      Tool(Concat({"analyze", "--format", "json", "--verbose", "--split-search-from", kFrom},
                  Search(server.url(), kBoundary, kTo)));
  EXPECT_EQ(nlohmann::json::parse(run.out)["traces"], 4);  // 3 + c0002
  EXPECT_NE(run.err.find("1 skipped as an earlier window's"), std::string::npos) << run.err;
}

TEST(JaegerSplitSearchTest, UsageErrors) {
  const FakeJaegerStore store = Store();
  FakeJaegerHttp server(&store, {});
  CliRun run = Tool(
      Concat({"analyze", "--split-search-from", kTo}, Search(server.url(), kBoundary, kTo)), 2);
  EXPECT_NE(run.err.find("--split-search-from 2023-11-15T00:00:00Z is after the window's start"),
            std::string::npos)
      << run.err;
  run = Tool(
      {"analyze", "--jaeger", server.url(), "--trace-id", "a0000", "--split-search-from", kFrom},
      2);
  EXPECT_NE(run.err.find("need --service"), std::string::npos) << run.err;
  run = Tool(
      Concat({"analyze", "--split-search-from", "yesterday"}, Search(server.url(), kBoundary, kTo)),
      2);
  EXPECT_NE(run.err.find("--split-search-from 'yesterday'"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace trace_analyze::testing
