// The built-in scenario matrix: the seed case and its neighbours along every axis h2race has
// (protocol, client profile, client certificate, server close policy, TLS version).
#pragma once

#include <vector>

#include "core/scenario.h"

namespace h2race {

std::vector<Scenario> builtin_matrix();

}  // namespace h2race
