#include "core/interrupt.h"

#include <atomic>
#include <csignal>

namespace h2race {
namespace {
// Written from the signal handler, read by every worker thread: a lock-free atomic is both
// async-signal-safe and race-free across threads (a volatile sig_atomic_t is only the former).
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

void on_signal(int sig) { g_signal = sig; }
}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // A closed terminal or an ssh session that dropped: stop as cleanly as on SIGTERM (the default
  // action would end the process with nothing written and temporary files left behind).
  sigaction(SIGHUP, &sa, nullptr);
  ignore_sigpipe();
}

void ignore_sigpipe() { std::signal(SIGPIPE, SIG_IGN); }

void ignore_sigxfsz() { std::signal(SIGXFSZ, SIG_IGN); }

bool interrupted() { return g_signal != 0; }

int interrupt_exit_code() { return g_signal == 0 ? 0 : 128 + g_signal; }

}  // namespace h2race
