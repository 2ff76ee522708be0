// A generated handler with a known code path, for the tests of sequential
// runs and of verify: `web render` calls, in an order that changes from trace
// to trace, six blocks of work:
//   - the vision run: face_detection → object_detection → gesture_detection,
//     always back to back and in that order (or all three at once, in the
//     "optimised" variant);
//   - three independent calls (db load_user, cache get_template, i18n
//     translate);
//   - a loop of 5–8 asset fetches (store get_asset, one URL each);
//   - a cached configuration read made twice (config get, identical URL).
// Blocks are 20 µs apart. The pseudo-random numbers are the same on every
// standard library (no std::shuffle or distributions).
#ifndef TRACE_ANALYZE_TESTS_TESTING_RENDER_TRACES_H_
#define TRACE_ANALYZE_TESTS_TESTING_RENDER_TRACES_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/model.h"
#include "tests/testing/trace_builder.h"

namespace trace_analyze::testing {

// splitmix64.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t state_;
};

inline analyzer::Trace RenderTrace(const std::string& id, Rng& rng, bool vision_concurrent,
                                   int64_t at_us) {
  struct Call {
    std::string service, operation, url;
    int64_t duration_us;
  };
  struct Block {
    std::vector<Call> calls;
    bool concurrent = false;
  };
  std::vector<Block> blocks;
  blocks.push_back({{{"vision", "face_detection", "", 300},
                     {"vision", "object_detection", "", 400},
                     {"vision", "gesture_detection", "", 350}},
                    vision_concurrent});
  blocks.push_back({{{"db", "load_user", "", 300}}});
  blocks.push_back({{{"cache", "get_template", "", 250}}});
  blocks.push_back({{{"i18n", "translate", "", 200}}});
  Block loop;
  const int assets = 5 + static_cast<int>(rng.Below(4));
  for (int i = 0; i < assets; ++i) {
    loop.calls.push_back({"store", "get_asset", "/assets/" + std::to_string(1000 + i), 150});
  }
  blocks.push_back(std::move(loop));
  blocks.push_back(
      {{{"config", "get", "/config/flags", 120}, {"config", "get", "/config/flags", 120}}});
  for (size_t i = blocks.size() - 1; i > 0; --i) std::swap(blocks[i], blocks[rng.Below(i + 1)]);

  TraceBuilder b(id, at_us);
  const std::string root = id + "-root";
  int64_t t = 50;
  int n = 0;
  struct Placed {
    Call call;
    int64_t start;
  };
  std::vector<Placed> placed;
  for (const Block& block : blocks) {
    int64_t end = t;
    for (const Call& c : block.calls) {
      placed.push_back({c, t});
      if (block.concurrent) {
        end = std::max(end, t + c.duration_us);
        t += 5;  // started a few µs apart
      } else {
        t += c.duration_us + 5;
        end = t;
      }
    }
    t = std::max(t, end) + 20;
  }
  b.Span(root, "", "web", "render", 0, t + 30);
  for (const Placed& p : placed) {
    b.Span(id + "-" + std::to_string(n++), root, p.call.service, p.call.operation, p.start,
           p.call.duration_us);
    if (!p.call.url.empty()) b.Attr("http.url", p.call.url).Attr("http.method", "GET");
  }
  return b.Build();
}

// `count` render traces, one every 10 ms from `epoch_us`.
inline std::vector<analyzer::Trace> RenderTraces(const std::string& prefix, int count,
                                                 uint64_t seed, bool vision_concurrent,
                                                 int64_t epoch_us = 1'700'000'000'000'000) {
  Rng rng(seed);
  std::vector<analyzer::Trace> out;
  for (int i = 0; i < count; ++i) {
    out.push_back(RenderTrace(prefix + std::to_string(i), rng, vision_concurrent,
                              epoch_us + int64_t{i} * 10'000));
  }
  return out;
}

}  // namespace trace_analyze::testing

#endif  // TRACE_ANALYZE_TESTS_TESTING_RENDER_TRACES_H_
