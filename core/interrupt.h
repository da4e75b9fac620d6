// SIGINT/SIGTERM/SIGHUP become a flag the driver polls between iterations, so a run stops cleanly
// and still writes its partial histogram.
#pragma once

namespace h2race {

void install_interrupt_handlers();
// Peers close sockets under our writes on purpose: EPIPE must be an errno, not a signal.
void ignore_sigpipe();
bool interrupted();
// 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP, 0 when no signal arrived.
int interrupt_exit_code();

}  // namespace h2race
