// The sequential detector: runs of calls that could run concurrently. Its
// per-trace half (sequential_detector.cc) records, for every parent span, its
// elements and the chains of elements that ran back to back; its cross-trace
// half (run_miner.cc) keeps them per parent operation and mines the runs
// that recur, from chains kept whole or sampled (run_sample.cc). Rules:
// docs/detectors.md §1.
#ifndef TRACE_ANALYZE_ANALYZER_SEQUENTIAL_DETECTOR_H_
#define TRACE_ANALYZE_ANALYZER_SEQUENTIAL_DETECTOR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "analyzer/detector.h"

namespace trace_analyze::analyzer {

// What the sequential detector sees of one trace. Every parent span with at
// least two *elements* is a visit: its blocking children in start order, with
// consecutive calls of one operation collapsed into one element (a loop,
// `calls` > 1). Runs are mined from the visits of many traces
// (RunState::Build, docs/detectors.md §1).

// Two element names of one visit (their first occurrences): `first` started
// first; `overlap` when they ran at the same time (beyond the tolerance).
struct VisitPair {
  uint32_t first, second;  // name indices
  bool overlap;
};

// One element of a chain: elements that ran back to back.
struct ChainElement {
  uint32_t name = 0;        // index into SequentialVisits::names
  uint32_t calls = 1;       // spans in the element (a loop: > 1)
  int64_t extent_us = 0;    // first start to last end
  int64_t critical_us = 0;  // Σ critical-path time of its spans
  // Evidence against independence from the previous element of the chain
  // (false for the first): a value of its subtree reappears in this one's
  // (index into SequentialVisits::details, or kNoDetail), other blocking
  // work of the parent sat in the gap between the two.
  uint32_t value_flow = kNoDetail;
  bool intervening = false;
  static constexpr uint32_t kNoDetail = UINT32_MAX;
};

// Elements that ran back to back (at least two): [begin, end) of
// SequentialVisits::elements.
struct VisitChain {
  uint32_t begin = 0, end = 0;
  // How much shorter the trace's critical path would be if every element
  // started with the first (CriticalPathIfConcurrent), µs; kNotRetimed when
  // the trace's re-timing budget was spent.
  int64_t retimed_saving_us = kNotRetimed;
  static constexpr int64_t kNotRetimed = -1;
};

// One parent span; its parts are ranges of SequentialVisits' flat vectors
// (one allocation per trace, not per parent).
struct Visit {
  uint32_t parent = 0;                // name index
  uint32_t names_begin, names_end;    // distinct element names, sorted
  uint32_t pairs_begin, pairs_end;    // nearby element pairs (kPairWindow)
  uint32_t chains_begin, chains_end;  // back-to-back chains
};

// A name of SequentialVisits: its key `service '\x1f' operation` (the
// operation parameterised) is name_text[begin, end), the service
// name_text[begin, service_end).
struct VisitName {
  uint32_t begin, service_end, end;
};

// With DetectorConfig::keep_examples, a picture of a chain's parent
// (internal::ExamplePicture: the parent's children around the chain's calls).
struct VisitExample {
  uint32_t chain = 0;         // index into SequentialVisits::chains
  int64_t optimistic_us = 0;  // the chain's Σ extent − its longest element's
  FindingExample picture;
};

struct SequentialVisits {
  std::string name_text;  // the names' keys, back to back (one buffer per trace)
  std::vector<VisitName> names;
  std::vector<std::string> details;  // value-flow descriptions

  // Empties every part, keeping its capacity.
  void Clear() {
    name_text.clear();
    names.clear();
    details.clear();
    visits.clear();
    visit_names.clear();
    pairs.clear();
    chains.clear();
    elements.clear();
    examples.clear();
  }

  std::string_view KeyOf(const VisitName& n) const {
    return std::string_view(name_text).substr(n.begin, n.end - n.begin);
  }
  OpName NameOf(const VisitName& n) const {
    return {name_text.substr(n.begin, n.service_end - n.begin),
            name_text.substr(n.service_end + 1, n.end - n.service_end - 1)};
  }
  std::vector<Visit> visits;
  std::vector<uint32_t> visit_names;
  std::vector<VisitPair> pairs;
  std::vector<VisitChain> chains;
  std::vector<ChainElement> elements;
  std::vector<VisitExample> examples;  // only with DetectorConfig::keep_examples

  std::span<const uint32_t> NamesOf(const Visit& v) const {
    return {visit_names.data() + v.names_begin, visit_names.data() + v.names_end};
  }
  std::span<const VisitPair> PairsOf(const Visit& v) const {
    return {pairs.data() + v.pairs_begin, pairs.data() + v.pairs_end};
  }
  std::span<const VisitChain> ChainsOf(const Visit& v) const {
    return {chains.data() + v.chains_begin, chains.data() + v.chains_end};
  }
  std::span<const ChainElement> ElementsOf(const VisitChain& c) const {
    return {elements.data() + c.begin, elements.data() + c.end};
  }
};

class SequentialObservation : public Observation {
 public:
  size_t size() const override { return visits.visits.size(); }
  SequentialVisits visits;
};

// Records the visits of one trace (the per-trace half).
void ObserveVisits(const DetectorContext& ctx, SequentialVisits* out);

// What the sequential detector keeps across traces, per parent operation,
// until Build mines the runs. Counters (visits, classes, presence, pairs,
// adjacency) cover every visit. Chains are kept for every visit, or, when
// StateOptions::bounded, for the visits of a sample of traces per parent
// operation: the traces with the smallest keys (a hash of the trace id
// first) while their visits add up to at most `sampled_visits` (always at
// least one trace). The sample depends only on the set of traces, never on
// their order or split, so merged states equal one state fed everything
// (the rule of PathSampler). Build scales what it counts in the sample by
// visits / sampled visits.
class RunState : public DetectorState {
 public:
  explicit RunState(const StateOptions& options) : options_(options) {}
  std::unique_ptr<DetectorState> Clone() const override;
  void Add(const TraceRef& trace, const Observation& seen) override;
  void Merge(const DetectorState& other) override;
  void Build(const DetectorConfig& config, std::vector<Finding>* out) const override;
  void Save(StateWriter& w) const override;  // run_state_io.cc
  void Load(StateReader& r) override;

  // Pair keys are (smaller global name id << 32 | larger).
  struct ParentOp {
    uint64_t visits = 0;
    // Visits by their distinct element names (a class: usually one route of
    // a handler): ClassKey → index into class_visits.
    absl::flat_hash_map<uint64_t, uint32_t> class_ids;
    std::vector<uint64_t> class_visits;
    // The class keys by index (class_ids inverted).
    std::vector<uint64_t> ClassKeys() const {
      std::vector<uint64_t> keys(class_visits.size());
      for (const auto& [key, index] : class_ids) keys[index] = key;
      return keys;
    }
    absl::flat_hash_map<uint32_t, uint64_t> presence;  // visits that had the name
    struct PairStats {
      uint64_t first_before = 0, second_before = 0, overlap = 0;
    };
    absl::flat_hash_map<uint64_t, PairStats> pairs;
    // Visits in which two names were adjacent in one of their chains (either
    // order), by (class, pair key); a pair's count over every visit is the
    // sum over the classes.
    absl::flat_hash_map<std::pair<uint32_t, uint64_t>, uint64_t> adjacent_by_class;
    // The chains of the visits kept (all, or the sampled traces'), in no
    // particular order.
    struct Chain {
      uint32_t cls;               // index into class_visits
      uint32_t trace;             // index into traces_
      uint32_t begin, end;        // into elements_
      int64_t retimed_saving_us;  // VisitChain's
    };
    std::vector<Chain> chains;
    // Bounded: the sampled traces by key: (TraceHash of the id, id,
    // duration, hash of its chains under this operation: ChainHash), the
    // last two only breaking ties.
    using SampleKey = std::tuple<uint64_t, std::string, int64_t, uint64_t>;
    struct Sampled {
      uint32_t trace;       // index into traces_
      uint64_t visits = 0;  // its visits of this operation
    };
    std::map<SampleKey, Sampled> sample;
    uint64_t sampled_visits = 0;  // Σ Sampled::visits
    // The picture of the visit with the largest chain (optimistic saving;
    // ties: the smallest trace id).
    struct Example {
      int64_t optimistic_us = 0;
      FindingExample picture;
    };
    std::optional<Example> example;
  };

  struct TraceRow {
    std::string id;
    int64_t duration_us;
  };

 private:
  // The global id of the name with this key (NameKey), `name` made when new.
  template <class MakeName>
  uint32_t NameId(std::string_view key, MakeName&& name);
  uint32_t DetailId(const std::string& detail);
  // NameId of a name held whole (another state's, a loaded one).
  uint32_t InternName(const OpName& name);
  // A class's key: Σ of its distinct names' hashes (name_hashes_), the same
  // in every state and whatever the order. Two different classes of one
  // operation collide with probability ~n²/2^64 (they would be judged as one).
  uint64_t ClassKey(std::span<const uint32_t> names) const;
  // The class of `op` with this key, added when new.
  static uint32_t ClassId(ParentOp& op, uint64_t key);
  // Adds `stats`, counted with `first` as the first of the pair, to the pair's
  // statistics (kept with the smaller id first).
  static void AddPairStats(ParentOp& op, uint32_t first, uint32_t second,
                           const ParentOp::PairStats& stats);
  // Keeps `candidate` as op's example when it beats the one kept.
  static void OfferExample(ParentOp& op, ParentOp::Example candidate);
  // Appends a chain: its elements renamed from `ids` and `details` (another
  // trace's or state's numbering), `chain` giving its class, trace and
  // re-timed saving.
  void AppendChain(ParentOp& op, std::span<const ChainElement> elements,
                   const std::vector<uint32_t>& ids, const std::vector<std::string>& details,
                   ParentOp::Chain chain);
  // Bounded: whether a trace with this key and `visits` visits of `op` joins
  // its sample (then the caller appends its chains and calls Trim).
  bool JoinsSample(const ParentOp& op, const ParentOp::SampleKey& key, uint64_t visits) const;
  // Bounded: drops the sample's last traces (and their chains) while it
  // holds more than one trace and more than `sampled_visits` visits.
  static void Trim(ParentOp& op, size_t sampled_visits);
  // Bounded: drops the elements, traces and details no chain or sample
  // refers to, keeping the order of the others.
  void Compact();
  // Compact()s when the dropped rows have grown to the live ones' size.
  void MaybeCompact();
  // Save's tables, as they are (Save compacts a bounded state first).
  void SaveTables(StateWriter& w) const;
  // The sample key's parts computed from the trace: a hash of its id, and
  // of its chains under one operation (in order: each chain's class key,
  // re-timed saving and elements, by stable name hashes and detail texts).
  // Neither is saved: Load computes them again.
  // ChainHash extends `h` by one chain whose names are `ids[name]` (this
  // state's ids; the names themselves when `ids` is empty).
  static uint64_t TraceHash(std::string_view trace_id);
  uint64_t ChainHash(uint64_t h, uint64_t class_key, int64_t retimed_saving_us,
                     std::span<const ChainElement> elements,
                     const std::vector<std::string>& details, std::span<const uint32_t> ids) const;
  // The chain hash of each trace with chains in `op`, by trace row.
  absl::flat_hash_map<uint32_t, uint64_t> ContentHashes(const ParentOp& op) const;
  // The parent operations' name ids, ascending: an order fixed by the state,
  // not by the hash map's (which absl seeds per process).
  std::vector<uint32_t> ParentIds() const;
  // A parent operation's scale: its visits / its sampled visits (1 when
  // every visit is kept).
  double Scale(const ParentOp& op) const;

  StateOptions options_;
  size_t rows_after_compaction_ = 0;  // elements_, traces_, details_
  std::vector<OpName> names_;
  std::vector<uint64_t> name_hashes_;                    // of each name's key, for ClassKey
  absl::flat_hash_map<std::string, uint32_t> name_ids_;  // service + '\x1f' + operation
  std::string key_;                                      // NameId's buffer
  std::vector<std::string> details_;
  absl::flat_hash_map<std::string, uint32_t> detail_ids_;
  std::vector<TraceRow> traces_;                        // traces with chains
  absl::flat_hash_map<uint32_t, ParentOp> parent_ops_;  // by parent name id
  std::vector<ChainElement> elements_;                  // of the chains, global name and detail ids
};

}  // namespace trace_analyze::analyzer

#endif  // TRACE_ANALYZE_ANALYZER_SEQUENTIAL_DETECTOR_H_
