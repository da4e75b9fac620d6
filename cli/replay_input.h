// A schedule with the scenario its "# scenario:" header names, read and resolved once: what
// `h2race replay` runs, and what the schedule fuzzer runs and writes as a finding. Both go through
// parse_replay and replay below, so a finding replays through the CLI as it ran in the fuzzer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/pki.h"
#include "core/run_record.h"
#include "core/scenario.h"
#include "core/schedule.h"
#include "harness/iterations.h"
#include "harness/run_plan.h"

namespace h2race::cli {

// The plan holds the schedule and the scenario its header names (defaults for what it leaves
// out), one connection at a time: each replay is judged on its own.
struct ReplayInput {
  RunPlan plan;
  const Schedule& schedule() const { return *plan.schedule; }
  const Scenario& scenario() const { return plan.scenario; }
};

// Parses a schedule's text and its scenario header; throws UsageError naming `where` and the line.
ReplayInput parse_replay(std::string_view text, const std::string& where);
// Reads the file with the bounded reader, then parse_replay; throws UsageError.
ReplayInput load_replay(const std::string& path);
// Runs the schedule `times` times, one connection at a time, each judged against the truth the
// server recorded for it.
RunRecord replay(const ReplayInput& input, const Pki& pki, uint64_t times,
                 const DriverHooks& hooks = {});

// Every setting that shapes the race, as the flags of a "# scenario:" header (the client, its
// certificate and timing, both protocols, the server's read and close modes, key, jobs,
// timeout). parse_scenario_text(scenario_flags_text(s)) gives back s.
std::string scenario_flags_text(const Scenario& s);

}  // namespace h2race::cli
