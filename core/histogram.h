// Histogram: iterations counted per class, with one example of the raw text per class, the
// server's truth per iteration, and from those the fidelity and the divergence verdict.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/outcome.h"
#include "core/scenario.h"

namespace h2race {

struct Interval {
  double low = 0;
  double high = 1;
};
// Wilson score interval at 95% confidence for successes out of n (n > 0).
Interval wilson95(uint64_t successes, uint64_t n);
// Rule of three: with zero events in n trials, the event rate is below 3/n at 95% confidence.
double rule_of_three(uint64_t n);

struct ClassCount {
  std::string cls;
  uint64_t count = 0;
  std::string example;
};

class Histogram {
 public:
  // truth is the server's account of the same connection in the class vocabulary.
  void add(const Outcome& outcome, std::string_view truth);
  void merge(const Histogram& other);

  uint64_t iterations() const { return iterations_; }
  uint64_t matched() const { return matched_; }
  double fidelity() const;
  bool divergent() const { return classes_.size() > 1; }
  // Most frequent first; ties by name so output is stable.
  std::vector<ClassCount> classes() const;
  uint64_t count(std::string_view cls) const;
  const std::map<std::string, uint64_t>& truth() const { return truth_; }
  // (truth, class) -> count
  const std::map<std::pair<std::string, std::string>, uint64_t>& pairs() const { return pairs_; }

  // Iterations where the client waited for an alert after a transport error (prefer-alert):
  // how many, and the extra latency that cost.
  struct Grace {
    uint64_t iterations = 0;
    uint64_t total_us = 0;
    uint64_t max_us = 0;
  };
  const Grace& grace() const { return grace_; }
  void add_grace(const Grace& g);

  // Used by the JSON loader: adds count iterations of cls under truth with an example.
  void add_pair(const std::string& truth, const std::string& cls, uint64_t count,
                const std::string& example);

 private:
  struct Entry {
    uint64_t count = 0;
    std::string example;
  };
  uint64_t iterations_ = 0;
  uint64_t matched_ = 0;
  std::map<std::string, Entry, std::less<>> classes_;
  std::map<std::string, uint64_t> truth_;
  std::map<std::pair<std::string, std::string>, uint64_t> pairs_;
  Grace grace_;
};

// One run as written to and read from "h2race/histogram/1" JSON.
// A probe's target (no server of ours, so no truth but the user's --expect).
struct ProbeInfo {
  std::string url;
  std::string expect;
};

struct RunRecord {
  Scenario scenario;
  Histogram histogram;
  double elapsed_s = 0;
  bool partial = false;
  // Schedule waits whose bound expired: the schedule did not hold, so the run proves nothing.
  uint64_t schedule_failures = 0;
  std::string first_schedule_failure;
  nlohmann::json env = nlohmann::json::object();
  std::optional<ProbeInfo> target;  // set by `probe`
};

inline constexpr std::string_view kHistogramSchema = "h2race/histogram/1";

nlohmann::json to_json(const RunRecord& run);
// Throws std::invalid_argument naming the field and what is wrong with it.
RunRecord run_record_from_json(const nlohmann::json& j);

// What this build runs on: h2race, TLS library and nghttp2 versions, kernel.
nlohmann::json environment_json();

}  // namespace h2race
