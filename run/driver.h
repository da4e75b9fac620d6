// The driver runs a Scenario: iterations spread over `jobs` client workers against one shared
// in-process server (or a fresh one per iteration), each Outcome paired with the server's truth
// for the same connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string_view>

#include "core/histogram.h"
#include "core/inject.h"
#include "core/pki.h"
#include "core/scenario.h"

namespace h2race {

struct DriverHooks {
  // Incremented after every iteration, for a progress line; may be null.
  std::atomic<uint64_t>* done = nullptr;
  // Called after every iteration with its outcome and truth (from the worker threads).
  std::function<void(const Outcome&, std::string_view truth)> on_iteration;
};

// Stops early (partial = true) when interrupted() turns true. Throws std::runtime_error when the
// server cannot be started.
// With a schedule, every iteration runs under it; waits that ran out are counted in the record.
RunRecord run_scenario(const Scenario& scenario, const Pki& pki, const DriverHooks& hooks = {},
                       const Schedule* schedule = nullptr);

}  // namespace h2race
