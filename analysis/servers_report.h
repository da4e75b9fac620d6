// The server zoo's table (`h2race matrix --servers` -> servers.md): clients x servers, each cell
// the fidelity with its interval and the wrong classes; per server what it did on the wire (its
// truth and its close); and what that says: which servers never race and why, which never send
// the alert, which clients lose it against which server.
#pragma once

#include <string>
#include <vector>

#include "core/run_record.h"

namespace h2race {

std::string servers_report(const std::vector<RunRecord>& runs);

}  // namespace h2race
