// HeldSpans: traces assembled across sources in order of first appearance,
// the same with any memory budget (spilled or not), and the spill folder
// gone afterwards, also when spilling fails.
#include "input/internal/held_spans.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/formats/decode_test_util.h"
#include "tests/testing/render_traces.h"
#include "tests/testing/scoped_env.h"
#include "tests/testing/temp_dir.h"

namespace trace_analyze::input::internal {
namespace {

namespace fs = std::filesystem;
using formats::testing::DumpTrace;
using trace_analyze::testing::ScopedTmpdir;

struct Added {
  std::string trace_id;
  size_t source;
};

// Adds `spans` spans of `traces` traces over `sources` sources of equal
// length, each span to a pseudo-random trace of those started so far, with
// a few attributes and a reference each.
Status AddSpans(HeldSpans* held, size_t traces, size_t spans, size_t sources,
                std::vector<Added>* added = nullptr) {
  testing::Rng rng(19);
  size_t source = 0;
  held->BeginSource("source-0");
  for (size_t i = 0; i < spans; ++i) {
    if (i > 0 && i % (spans / sources) == 0 && source + 1 < sources) {
      held->BeginSource("source-" + std::to_string(++source));
    }
    // Traces start over the whole run, so later sources bring new ones.
    const size_t started = std::min(traces, traces * (i + 1) / spans + 1);
    const std::string trace_id = fmt::format("{:032x}", rng.Below(started) * 7919 + 1);
    analyzer::Trace staging;
    analyzer::Span s;
    s.span_id = staging.arena.Store(fmt::format("{:016x}", i + 1));
    s.service = staging.arena.Store("svc-" + std::to_string(rng.Below(5)));
    s.operation = staging.arena.Store("op-" + std::to_string(rng.Below(50)));
    s.start_us = 1'000'000 + static_cast<int64_t>(i);
    s.duration_us = static_cast<int64_t>(rng.Below(1000));
    s.kind = static_cast<analyzer::SpanKind>(rng.Below(6));
    s.refs_count = 1;
    staging.references.push_back({analyzer::RefType::kChildOf, {}, "0000000000000001"});
    s.attrs_count = static_cast<uint32_t>(rng.Below(4));
    for (uint32_t a = 0; a < s.attrs_count; ++a) {
      staging.attributes.push_back({staging.arena.Store("key" + std::to_string(a)),
                                    staging.arena.Store(std::string(rng.Below(40), 'v'))});
    }
    staging.spans.push_back(s);
    const bool zipkin = rng.Below(4) == 0;
    if (Status st = held->Add(staging, 0, {trace_id, false, zipkin && rng.Below(2) == 0}, zipkin);
        !st.ok()) {
      return st;
    }
    if (added != nullptr) added->push_back({trace_id, source});
  }
  return OkStatus();
}

// Every trace HeldSpans gives, dumped, in order.
std::vector<std::string> Drain(HeldSpans* held) {
  std::vector<std::string> out;
  EXPECT_TRUE(held->Finish().ok());
  formats::RecordedTrace trace;
  for (;;) {
    Result<bool> next = held->Next(&trace);
    EXPECT_TRUE(next.ok()) << next.error().message;
    if (!next.ok() || !next.value()) break;
    out.push_back(DumpTrace(trace.trace()));
  }
  return out;
}

TEST(HeldSpansTest, AssemblesAcrossSourcesInOrderOfFirstAppearance) {
  HeldSpans held(uint64_t{1} << 30);
  std::vector<Added> added;
  ASSERT_TRUE(AddSpans(&held, 40, 2000, 3, &added).ok());
  std::vector<std::string> ids;
  std::vector<size_t> sources;
  std::vector<size_t> spans;
  for (const Added& a : added) {
    size_t t = 0;
    while (t < ids.size() && ids[t] != a.trace_id) ++t;
    if (t == ids.size()) {
      ids.push_back(a.trace_id);
      sources.push_back(a.source);
      spans.push_back(0);
    }
    ++spans[t];
  }
  ASSERT_GT(sources.back(), 0u);  // the spans really came from several sources
  ASSERT_TRUE(held.Finish().ok());
  formats::RecordedTrace trace;
  for (size_t t = 0; t < ids.size(); ++t) {
    Result<bool> next = held.Next(&trace);
    ASSERT_TRUE(next.ok() && next.value()) << t;
    EXPECT_EQ(trace.trace().trace_id, ids[t]);
    EXPECT_EQ(trace.trace().source, "source-" + std::to_string(sources[t]));
    EXPECT_EQ(trace.trace().spans.size(), spans[t]);
  }
  Result<bool> end = held.Next(&trace);
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end.value());
  EXPECT_EQ(held.spilled_bytes(), 0u);
}

TEST(HeldSpansTest, AnyBudgetGivesTheSameTracesInTheSameOrder) {
  testing::TempDir tmp;
  ScopedTmpdir scoped(tmp.path().string());
  HeldSpans in_memory(uint64_t{1} << 30);
  ASSERT_TRUE(AddSpans(&in_memory, 300, 6000, 4).ok());
  const std::vector<std::string> expected = Drain(&in_memory);
  ASSERT_GT(expected.size(), 250u);
  for (uint64_t budget : {uint64_t{0}, uint64_t{1}, uint64_t{5000}, uint64_t{64} << 10}) {
    std::optional<HeldSpans> held(budget);
    ASSERT_TRUE(AddSpans(&*held, 300, 6000, 4).ok());
    EXPECT_EQ(Drain(&*held), expected) << "budget " << budget;
    EXPECT_GT(held->spilled_bytes(), 0u) << "budget " << budget;
    // While it lives, the spill folder holds no named file.
    size_t folders = 0;
    for (const fs::directory_entry& entry : fs::directory_iterator(tmp.path())) {
      ++folders;
      EXPECT_TRUE(fs::is_empty(entry.path())) << entry.path();
    }
    EXPECT_EQ(folders, 1u);
    held.reset();
    EXPECT_TRUE(fs::is_empty(tmp.path())) << "budget " << budget;
  }
}

TEST(HeldSpansTest, ASpillFolderThatCannotBeMadeIsAnError) {
  testing::TempDir tmp;
  const std::string missing = (tmp.path() / "no" / "such" / "folder").string();
  ScopedTmpdir scoped(missing);
  HeldSpans held(1000);
  const Status status = AddSpans(&held, 10, 500, 1);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find(missing), std::string::npos) << status.error().message;
  EXPECT_NE(status.error().message.find("TMPDIR"), std::string::npos) << status.error().message;
}

}  // namespace
}  // namespace trace_analyze::input::internal
