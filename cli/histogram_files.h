// Reading histogram JSON files given on the command line: every failure is a UsageError naming
// the file and what is wrong with it.
#pragma once

#include <string>
#include <vector>

#include "core/run_record.h"

namespace h2race::cli {

RunRecord load_run(const std::string& path);
// FILES or a DIR (its *.json, sorted) -> paths.
std::vector<std::string> expand_json_inputs(const std::vector<std::string>& inputs);

}  // namespace h2race::cli
