#include "harness/interrupt.h"

#include <csignal>

namespace h2race {
namespace {
// Written only from the signal handler, read by workers: the one global a signal needs.
volatile std::sig_atomic_t g_signal = 0;

void on_signal(int sig) { g_signal = sig; }
}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  ignore_sigpipe();
}

void ignore_sigpipe() { std::signal(SIGPIPE, SIG_IGN); }

bool interrupted() { return g_signal != 0; }

int interrupt_exit_code() { return g_signal == 0 ? 0 : 128 + g_signal; }

void reset_interrupt() { g_signal = 0; }

}  // namespace h2race
