// Human-readable renderings of a run.
#pragma once

#include <string>

#include "harness/histogram.h"

namespace h2race {

// The histogram table printed by `h2race run`: one row per class (class, count, %, example),
// the server's truth, fidelity with its Wilson 95% interval, and the divergence verdict (with
// the rule-of-three bound when only one class was seen).
std::string text_table(const RunRecord& run);

}  // namespace h2race
