// The one clock of a run: iteration deadlines, elapsed times and (later) event timelines all use
// it, so the two peers' times are comparable.
#pragma once

#include <chrono>

namespace h2race {

using Clock = std::chrono::steady_clock;

}  // namespace h2race
