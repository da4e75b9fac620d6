// One run as written to and read from "h2race/histogram/1" JSON: the scenario, its histogram
// and how the run went.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/histogram.h"
#include "core/scenario.h"
#include "core/timeline.h"

namespace h2race {

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
  Examples examples;                // --explain: the first connection of every class

  // The run's name in tables, reports and comparisons: the scenario's id, or for a probe what it
  // probed: "probe-127.0.0.1_8443-h2-tls13-none-go" (the server's side of a scenario id means
  // nothing there).
  std::string id() const;
  // Whether the run has a truth to measure fidelity against (a probe without --expect has none).
  bool has_truth() const;
};

// Adds another run of the same scenario to total: histograms merged, times summed, partial if
// either was, schedule failures summed; total takes part's env if it has none, and the examples
// of classes it has none of.
void absorb(RunRecord& total, const RunRecord& part);

inline constexpr std::string_view kHistogramSchema = "h2race/histogram/1";
// The largest count (and sum of counts) a histogram file may hold: 2^53, the last integer a
// double, and so every JSON reader, holds exactly.
inline constexpr uint64_t kMaxCount = uint64_t{1} << 53;

// A histogram file's text as JSON. Throws std::invalid_argument for text that is not JSON, and for
// an object that has a key twice: JSON readers disagree on which one counts (nlohmann keeps the
// last), so such a file says two things and is not half believed.
nlohmann::json parse_histogram_text(std::string_view text);

nlohmann::json to_json(const RunRecord& run);
// Throws std::invalid_argument naming the field and what is wrong with it: a count that is not
// an integer 0..kMaxCount, a duplicate class or pair, or classes, pairs, truth, iterations,
// matched, fidelity and divergent that do not agree exactly, an elapsed_s that is not a finite
// number of seconds, a partial that is not a boolean. Fields newer than a file are optional;
// `pairs` is not.
RunRecord run_record_from_json(const nlohmann::json& j);

}  // namespace h2race
