// The driver runs a RunPlan: iterations spread over `jobs` client workers against one shared
// in-process server (or a fresh one per iteration), each Outcome paired with the server's truth
// for the same connection.
#pragma once

#include <memory>

#include "core/pki.h"
#include "core/run_record.h"
#include "core/scenario.h"
#include "core/schedule.h"
#include "core/truth_table.h"
#include "harness/iterations.h"
#include "harness/run_plan.h"

namespace h2race {

// Stops early (partial = true) when interrupted() turns true. Throws std::runtime_error when the
// server cannot be started. With the plan's schedule, every iteration runs under it; waits that
// ran out are counted in the record.
RunRecord run_scenario(const RunPlan& plan, const Pki& pki, const DriverHooks& hooks = {});

// A server that outlives one run: `calibrate` runs a model and a real program against the same
// one. Its options come from the first scenario; threads are enough for `jobs` clients.
class MtlsServer;
struct SharedServer {
  SharedServer(const Scenario& s, const Pki& pki, int jobs);
  ~SharedServer();
  TruthTable truth;
  std::unique_ptr<MtlsServer> server;
};
// run_scenario against a server that is already listening (no --fresh-server).
RunRecord run_scenario_on(const RunPlan& plan, const Pki& pki, SharedServer& shared,
                          const DriverHooks& hooks = {});

}  // namespace h2race
