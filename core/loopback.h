// h2race listens on and, by default, targets loopback addresses only.
#pragma once

#include <string>

namespace h2race {

// True for 127.0.0.0/8 and ::1, the only addresses h2race listens on or targets by default.
bool is_loopback(const std::string& address);

}  // namespace h2race
