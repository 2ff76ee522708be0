#include "analyzer/quantile_sketch.h"

#include <algorithm>
#include <cmath>

#include "analyzer/state_io.h"
#include "analyzer/stats.h"

namespace trace_analyze::analyzer {
namespace {

const double kGamma =
    (1 + QuantileSketch::kRelativeAccuracy) / (1 - QuantileSketch::kRelativeAccuracy);
const double kLogGamma = std::log(kGamma);

// Bucket i holds (γ^(i−1), γ^i].
int32_t BucketOf(int64_t v) {
  return static_cast<int32_t>(std::ceil(std::log(static_cast<double>(v)) / kLogGamma - 1e-12));
}

// The value within α of every value of bucket i: 2γ^i / (γ + 1).
int64_t ValueOf(int32_t i) {
  return std::llround(2 * std::exp(static_cast<double>(i) * kLogGamma) / (kGamma + 1));
}

}  // namespace

void QuantileSketch::Add(int64_t v) {
  min_ = count_ == 0 ? v : std::min(min_, v);
  max_ = count_ == 0 ? v : std::max(max_, v);
  ++count_;
  if (v <= 0) {
    ++exact_[v];
  } else {
    ++bucket_[BucketOf(v)];
  }
}

void QuantileSketch::Merge(const QuantileSketch& o) {
  if (o.count_ == 0) return;
  min_ = count_ == 0 ? o.min_ : std::min(min_, o.min_);
  max_ = count_ == 0 ? o.max_ : std::max(max_, o.max_);
  count_ += o.count_;
  for (const auto& [v, n] : o.exact_) exact_[v] += n;
  for (const auto& [i, n] : o.bucket_) bucket_[i] += n;
}

int64_t QuantileSketch::Percentile(double p) const {
  if (count_ == 0) return 0;
  const size_t k = NearestRankIndex(count_, p);
  if (k == 0) return min_;
  if (k + 1 == count_) return max_;
  uint64_t seen = 0;
  for (const auto& [v, n] : exact_) {
    seen += n;
    if (k < seen) return v;
  }
  for (const auto& [i, n] : bucket_) {
    seen += n;
    if (k < seen) return std::clamp(ValueOf(i), min_, max_);
  }
  return max_;
}

void QuantileSketch::Save(StateWriter& w) const {
  w.U64(count_);
  w.I64(min_);
  w.I64(max_);
  w.U64(exact_.size());
  for (const auto& [v, n] : exact_) {
    w.I64(v);
    w.U64(n);
  }
  w.U64(bucket_.size());
  for (const auto& [i, n] : bucket_) {
    w.I64(i);
    w.U64(n);
  }
}

void QuantileSketch::Load(StateReader& r) {
  count_ = r.U64();
  min_ = r.I64();
  max_ = r.I64();
  exact_.clear();
  bucket_.clear();
  uint64_t total = 0;
  const size_t exact = r.Count();
  for (size_t k = 0; k < exact && r.ok(); ++k) {
    const int64_t v = r.I64();
    const uint64_t n = r.U64();
    if (v > 0 || n == 0 || !exact_.emplace(v, n).second) r.Fail("sketch: a bad exact value");
    total += n;
  }
  const size_t buckets = r.Count();
  for (size_t k = 0; k < buckets && r.ok(); ++k) {
    const int64_t i = r.I64();
    const uint64_t n = r.U64();
    if (i < INT32_MIN || i > INT32_MAX || n == 0 ||
        !bucket_.emplace(static_cast<int32_t>(i), n).second) {
      r.Fail("sketch: a bad bucket");
    }
    total += n;
  }
  if (total != count_ || (count_ > 0 && min_ > max_)) r.Fail("sketch: counts do not add up");
}

}  // namespace trace_analyze::analyzer
