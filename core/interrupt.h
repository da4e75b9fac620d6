// SIGINT/SIGTERM/SIGHUP become a flag the driver polls between iterations, so a run stops cleanly
// and still writes its partial histogram.
#pragma once

namespace h2race {

void install_interrupt_handlers();
// Peers close sockets under our writes on purpose: EPIPE must be an errno, not a signal.
void ignore_sigpipe();
// A write past the file size limit (`ulimit -f`) must fail with EFBIG, which the file writer
// reports (exit 2 naming the flag) and cleans up after; the default action of SIGXFSZ kills the
// process with a half-written temporary file left behind. Called once at startup; programs h2race
// starts get the default back (clients/subprocess.cc).
void ignore_sigxfsz();
bool interrupted();
// 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP, 0 when no signal arrived.
int interrupt_exit_code();

}  // namespace h2race
