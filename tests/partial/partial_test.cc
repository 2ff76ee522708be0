// Partial results as files: a decoded partial is the encoded one (its bytes
// again, and the same reports after merges), and every malformed file, from
// a truncation or a flipped bit to another version or other settings, is an
// error naming the file and what is wrong, never a crash.
#include "partial/partial.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "input/input.h"
#include "partial/codec.h"

namespace trace_analyze::partial {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kFindings = "fixtures/findings/onlineboutique_faultfree_120traces.json.zst";

// A partial of `kind` over the fixture's traces (every `stride`-th from
// `first`), with pictures and stacks kept as `analyze --partial` keeps them.
std::unique_ptr<Partial> MakePartial(Kind kind, size_t first = 0, size_t stride = 1,
                                     const analyzer::DiffSideOptions& side = {},
                                     bool approx_quantiles = false) {
  analyzer::AnalysisOptions options = PartialAnalysisOptions({});
  options.approx_quantiles = approx_quantiles;
  auto p = std::make_unique<Partial>(kind, options, side);
  size_t index = 0;
  const std::vector<std::string> inputs = {kFindings};
  input::ReadStats stats;
  input::ReadOptions read;
  read.threads = 1;
  const Status s = input::ReadInputs(
      inputs, read,
      [&](analyzer::Trace& trace) -> Status {
        if (index++ % stride == first) {
          const analyzer::CriticalPath& path = p->analyzer().Analyze(trace);
          if (kind == Kind::kAnalyze) {
            p->sampler().Offer(trace, path);
          } else {
            p->collector().Add(trace, path);
          }
        }
        return OkStatus();
      },
      &stats);
  EXPECT_TRUE(s.ok());
  p->read.files = 1;
  p->read.bytes = stats.bytes;
  p->read.problems.push_back({"a.json", 7, "a.json: byte 7: broken"});
  p->read.problems_total = 1;
  p->read.quality = p->analyzer().profile().quality();
  return p;
}

std::unique_ptr<Partial> Decoded(const std::string& bytes, const char* name = "part.tap") {
  Result<std::unique_ptr<Partial>> p = Partial::Decode(bytes, name);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? std::move(p).value() : nullptr;
}

TEST(CodecTest, ValuesRoundTripAndBadLengthsFail) {
  ByteWriter w;
  w.U64(0);
  w.U64(UINT64_MAX);
  w.I64(INT64_MIN);
  w.I64(-1);
  w.I64(INT64_MAX);
  w.F64(-0.125);
  w.Str("héllo");
  w.U64(3);
  ByteReader r(w.bytes());
  EXPECT_EQ(r.U64(), 0u);
  EXPECT_EQ(r.U64(), UINT64_MAX);
  EXPECT_EQ(r.I64(), INT64_MIN);
  EXPECT_EQ(r.I64(), -1);
  EXPECT_EQ(r.I64(), INT64_MAX);
  EXPECT_EQ(r.F64(), -0.125);
  EXPECT_EQ(r.Str(), "héllo");
  EXPECT_EQ(r.Count(), 0u);  // 3 items announced, no byte left
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.error(), StartsWith("a count of 3 where 0 bytes are left"));
  EXPECT_EQ(r.U64(), 0u);  // sticky

  const std::string ones(11, '\xff');
  ByteReader long_number(ones);
  long_number.U64();
  EXPECT_THAT(long_number.error(), StartsWith("a number longer than 64 bits"));
  ByteWriter s;
  s.Str("abc");
  const std::string three = s.bytes().substr(0, 3);
  ByteReader cut(three);
  EXPECT_EQ(cut.Str(), "");
  EXPECT_THAT(cut.error(), StartsWith("a string of 3 bytes where 2 are left"));
}

TEST(PartialTest, DecodedPartialEncodesToTheSameBytes) {
  for (const auto& [kind, approx] :
       {std::pair{Kind::kAnalyze, false}, std::pair{Kind::kBaseline, false},
        std::pair{Kind::kAnalyze, true}}) {
    const std::unique_ptr<Partial> p = MakePartial(kind, 0, 1, {}, approx);
    const std::string bytes = p->Encode();
    const std::unique_ptr<Partial> back = Decoded(bytes);
    ASSERT_NE(back, nullptr);
    EXPECT_EQ(back->kind(), kind);
    EXPECT_EQ(back->Encode(), bytes) << KindName(kind);
    EXPECT_EQ(back->analyzer().profile().traces(), 118u);  // two of 120 have no spans
    EXPECT_EQ(back->read.problems, p->read.problems);
    // The findings (pictures included) are those of the original state.
    const auto config = p->analysis().detectors;
    const std::vector<analyzer::Finding> a = p->analyzer().findings().Build(config);
    const std::vector<analyzer::Finding> b = back->analyzer().findings().Build(config);
    ASSERT_EQ(a.size(), b.size());
    ASSERT_FALSE(a.empty());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].fingerprint, b[i].fingerprint);
      EXPECT_EQ(a[i].realistic.total_us, b[i].realistic.total_us);
      EXPECT_EQ(a[i].example_trace_ids, b[i].example_trace_ids);
      EXPECT_EQ(a[i].example.has_value(), b[i].example.has_value());
    }
  }
}

TEST(PartialTest, MergeIsCommutativeAndCountsAddUp) {
  const std::unique_ptr<Partial> a = MakePartial(Kind::kAnalyze, 0, 3);
  const std::unique_ptr<Partial> b = MakePartial(Kind::kAnalyze, 1, 3);
  const std::unique_ptr<Partial> c = MakePartial(Kind::kAnalyze, 2, 3);
  std::unique_ptr<Partial> abc = Decoded(a->Encode());
  ASSERT_TRUE(abc->Merge(*b, "b", "a").ok());
  ASSERT_TRUE(abc->Merge(*c, "c", "a").ok());
  std::unique_ptr<Partial> cba = Decoded(c->Encode());
  ASSERT_TRUE(cba->Merge(*b, "b", "c").ok());
  ASSERT_TRUE(cba->Merge(*a, "a", "c").ok());
  EXPECT_EQ(abc->analyzer().profile().traces(), 118u);
  EXPECT_EQ(abc->read.files, 3u);
  EXPECT_EQ(abc->read.problems_total, 3u);
  EXPECT_EQ(abc->read.problems.size(), 3u);
  const auto config = abc->analysis().detectors;
  const std::vector<analyzer::Finding> x = abc->analyzer().findings().Build(config);
  const std::vector<analyzer::Finding> y = cba->analyzer().findings().Build(config);
  ASSERT_EQ(x.size(), y.size());
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(x[i].fingerprint, y[i].fingerprint);
    EXPECT_EQ(x[i].realistic.p50_us, y[i].realistic.p50_us);
    EXPECT_EQ(x[i].traces, y[i].traces);
  }
  const std::vector<double> ps = {50, 95};
  const auto rx = abc->sampler().Representatives(ps);
  const auto ry = cba->sampler().Representatives(ps);
  ASSERT_EQ(rx.size(), 2u);
  ASSERT_EQ(ry.size(), 2u);
  EXPECT_EQ(rx[0].path.trace_id, ry[0].path.trace_id);
  EXPECT_EQ(rx[1].path.trace_id, ry[1].path.trace_id);
}

TEST(PartialTest, OtherSettingsOrKindAreNamedErrors) {
  const std::unique_ptr<Partial> jaeger = MakePartial(Kind::kAnalyze, 0, 4);
  analyzer::AnalysisOptions causal = jaeger->analysis();
  causal.cp.mode = analyzer::CpMode::kCausal;
  Partial other_mode(Kind::kAnalyze, causal);
  Status s = jaeger->Merge(other_mode, "b.tap", "a.tap");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "b.tap: made with critical-path mode causal, a.tap with jaeger");

  analyzer::AnalysisOptions saving = jaeger->analysis();
  saving.detectors.sequential.min_saving_us = 1;
  s = jaeger->Merge(Partial(Kind::kAnalyze, saving), "c.tap", "a.tap");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.error().message, StartsWith("c.tap: made with other detector settings"));

  s = jaeger->Merge(Partial(Kind::kBaseline, jaeger->analysis()), "d.tap", "a.tap");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "d.tap: a diff baseline partial, where an analyze partial is needed");
}

TEST(PartialTest, HeaderErrorsNameTheFile) {
  const std::string good = MakePartial(Kind::kAnalyze, 0, 8)->Encode();
  const auto error = [](const std::string& bytes) {
    Result<std::unique_ptr<Partial>> p = Partial::Decode(bytes, "x.tap");
    return p.ok() ? std::string("ok") : p.error().message;
  };
  EXPECT_EQ(error("{\"data\": []}"),
            "x.tap: not a trace-analyze partial result (no partial header)");
  std::string version = good;
  version[8] = 9;  // checked before the checksum: the version says why
  EXPECT_THAT(error(version),
              StartsWith(fmt::format(
                  "x.tap: partial format version 9; this trace-analyze reads version {} ",
                  kFormatVersion)));
  EXPECT_THAT(error(good.substr(0, good.size() - 10)), StartsWith("x.tap: truncated partial"));
  EXPECT_THAT(error(good.substr(0, 20)), StartsWith("x.tap: truncated partial result: 20 bytes"));
  EXPECT_THAT(error(good + "x"), StartsWith("x.tap: malformed partial result"));
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x10;
  EXPECT_EQ(error(flipped), "x.tap: corrupt partial result: checksum mismatch");
}

// Every prefix and a flip of every bit of the first 2 KiB (then every 7th
// bit): an error naming the file, or (a flip the checksum cannot see, in the
// checksum itself) never a crash.
TEST(PartialTest, EveryTruncationAndBitFlipIsAnError) {
  const std::string good = MakePartial(Kind::kAnalyze, 0, 16)->Encode();
  for (size_t n = 0; n < good.size(); ++n) {
    Result<std::unique_ptr<Partial>> p = Partial::Decode(good.substr(0, n), "t.tap");
    ASSERT_FALSE(p.ok()) << n;
    EXPECT_THAT(p.error().message, StartsWith("t.tap: ")) << n;
  }
  for (size_t bit = 0; bit < good.size() * 8; bit += bit < size_t{2048} * 8 ? 1 : 7) {
    std::string bytes = good;
    bytes[bit / 8] = static_cast<char>(bytes[bit / 8] ^ (1 << (bit % 8)));
    Result<std::unique_ptr<Partial>> p = Partial::Decode(bytes, "f.tap");
    ASSERT_FALSE(p.ok()) << bit;
    EXPECT_THAT(p.error().message, StartsWith("f.tap: ")) << bit;
  }
}

// Payloads that pass the checksum (what the fuzzer feeds): cut anywhere,
// they fail with a reason; with a byte changed, they fail with a reason or
// load a state whose encoding loads again.
TEST(PartialTest, DamagedPayloadsBehindAValidChecksumFailCleanly) {
  for (Kind kind : {Kind::kAnalyze, Kind::kBaseline}) {
    const std::unique_ptr<Partial> p = MakePartial(kind, 0, 16);
    const std::string payload = p->EncodePayload();
    ASSERT_NE(Decoded(Frame(kind, payload)), nullptr);
    for (size_t cut = 0; cut < payload.size(); cut += 1 + cut / 64) {
      Result<std::unique_ptr<Partial>> q =
          Partial::Decode(Frame(kind, payload.substr(0, cut)), "p.tap");
      ASSERT_FALSE(q.ok()) << cut;
      EXPECT_THAT(q.error().message, StartsWith("p.tap: corrupt partial result: ")) << cut;
    }
    size_t loaded = 0;
    for (size_t at = 0; at < payload.size(); at += 1 + at / 128) {
      for (const char value : {'\x00', '\x7f', '\xff'}) {
        std::string bytes = payload;
        bytes[at] = value;
        Result<std::unique_ptr<Partial>> q = Partial::Decode(Frame(kind, bytes), "p.tap");
        if (!q.ok()) {
          EXPECT_THAT(q.error().message, StartsWith("p.tap: corrupt partial result: "));
          continue;
        }
        ++loaded;
        EXPECT_NE(Decoded(q.value()->Encode()), nullptr) << at;
      }
    }
    EXPECT_GT(loaded, 0u);  // changed numbers are not all detectable, and need not be
  }
}

}  // namespace
}  // namespace trace_analyze::partial
