// Reading histogram JSON files given on the command line: every failure is a UsageError naming
// the file and what is wrong with it.
#pragma once

#include <string>
#include <vector>

#include "core/run_record.h"

namespace h2race::cli {

RunRecord load_run(const std::string& path);
// The settings two runs' scenarios differ in that their id does not name (the go models'
// timing, --jobs, a schedule ...): "key (A's value against B's)" each, empty when none.
std::vector<std::string> scenario_differences(const Scenario& a, const Scenario& b);
// FILES or a DIR (its *.json, sorted) -> paths.
std::vector<std::string> expand_json_inputs(const std::vector<std::string>& inputs);

}  // namespace h2race::cli
