#include "clients/go_runtime.h"

#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "core/epoll_watch.h"

namespace h2race {

std::chrono::nanoseconds thread_cpu_time() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

namespace {

// kReferenceSteps steps of a dependent integer chain (multiply, add, shift, xor: each step needs
// the last), from x; the chain is the yardstick of the machine's speed and the model's CPU work.
uint64_t run_chain(uint64_t x, int64_t steps) {
  for (int64_t i = 0; i < steps; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    x ^= x >> 29;
  }
  return x;
}

// Keeps a chain's result alive, so that the compiler cannot drop the work.
thread_local uint64_t chain_state = 1;

// The thread CPU time of kReferenceSteps steps of the chain, the fastest of kRounds after a
// warm-up round. CPU time, so that a preempted round does not count another program's share; the
// fastest, because what else slows a round (a cold cache, a page fault) only ever adds. Until
// 2026-12-03 the yardstick was 16 X25519 key agreements (the median of 9): on an idle VM one
// process start measured 1.05, the next 1.63 times the fit's (20 starts), and within one process
// X25519 rounds 30 ms apart ranged 533-902 us while this chain's ranged 298-402 us (40 rounds,
// 2026-12-03); each jump moved every model step.
std::chrono::nanoseconds measure_reference() {
  constexpr int kRounds = 9;
  auto round = [] {
    const auto start = thread_cpu_time();
    chain_state = run_chain(chain_state, kReferenceSteps);
    return thread_cpu_time() - start;
  };
  (void)round();  // warm-up
  auto fastest = std::chrono::nanoseconds::max();
  for (int r = 0; r < kRounds; ++r) fastest = std::min(fastest, round());
  return fastest;
}

}  // namespace

const MachineSpeed& machine_speed() {
  static const MachineSpeed speed = [] {
    const auto reference = measure_reference();
    return MachineSpeed{reference, kReferenceAtFit,
                        double(reference.count()) / double(kReferenceAtFit.count())};
  }();
  return speed;
}

int64_t work_steps(std::chrono::microseconds d) {
  if (d.count() <= 0) return 0;
  return std::chrono::nanoseconds(d).count() * kReferenceSteps / kReferenceAtFit.count();
}

void do_work(int64_t steps) { chain_state = run_chain(chain_state, steps); }

void spin_for(std::chrono::microseconds d) { do_work(work_steps(d)); }

void off_cpu_for(std::chrono::microseconds d) {
  if (d.count() <= 0) return;
  precise_sleep_until(Clock::now() + d);
}

void wait_while(std::atomic<int>& word, int value) {
  // A plain futex sleep, as Go's idle thread sleeps [stopm -> notesleep -> futexsleep]: no pauses
  // and no sched_yield first. Until 2026-12-05 this was libstdc++ 12's std::atomic<int>::wait
  // written out (12 pauses, 4 yields), which the model's second processor needed to fit while it
  // spun 30 us on every wake-up; with Go's back-off (Processor) it waits as Go does
  // (docs/go-model.md, "Go's thief backs off").
  while (word.load() == value) futex_wait(word, value);
}

void go_usleep(std::chrono::microseconds d) {
  // Under the thread's slack, the default it inherited (50 us unless the machine says otherwise),
  // as Go's threads. Until 2026-12-05 14:10 the second processor's thread had a 1 ns slack for the
  // read loop's start delay and this set it aside around every sleep (three prctl calls, sysmon's
  // too): precise_sleep_until now does that where it is needed.
  const auto ns = std::chrono::nanoseconds(d).count();
  const timespec t{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  nanosleep(&t, nullptr);
}

void precise_sleep_until(Clock::time_point t) {
  const int saved = prctl(PR_GET_TIMERSLACK, 0UL, 0UL, 0UL, 0UL);
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  std::this_thread::sleep_until(t);
  // PR_SET_TIMERSLACK 0 restores the thread's default.
  prctl(PR_SET_TIMERSLACK, saved > 0 ? static_cast<unsigned long>(saved) : 0UL, 0UL, 0UL, 0UL);
}

int go_maxprocs_for(const char* env, int affinity_cpus) {
  // Go's atoi32: decimal digits only, the whole string.
  if (env != nullptr && *env != '\0') {
    int n = 0;
    const char* end = env + std::strlen(env);
    const auto [ptr, ec] = std::from_chars(env, end, n);
    if (ec == std::errc() && ptr == end && n > 0) return n;
  }
  return std::max(1, affinity_cpus);
}

int go_maxprocs() {
  cpu_set_t set;
  CPU_ZERO(&set);
  const int cpus = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
  return go_maxprocs_for(std::getenv("GOMAXPROCS"), cpus);
}

void Sysmon::serve() {
  // Go's usleep(20), stretched by the default timer slack: that stretch is the period measured in
  // Go's processes.
  pthread_setname_np(pthread_self(), "h2race-sysmon");  // for top -H, perf, scripts/sched-wakes
  const int64_t steps = work_steps(kSysmonWork);
  for (;;) {
    if (quit_) return;
    if (active_.load() == 0) {
      futex_wait(active_, 0);
      continue;
    }
    go_usleep(std::chrono::microseconds(20));
    // Every thread of the worker waits: sleep deep until one runs again (Go: every P idle).
    deep_.store(1);
    while (running_.load() == 0 && deep_.load() == 1 && !quit_) futex_wait(deep_, 1);
    deep_.store(0);
    do_work(steps);
  }
}

namespace {

UniqueFd new_eventfd() {
  UniqueFd fd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!fd) throw std::runtime_error("the go model's processor: eventfd failed");
  return fd;
}

// The netpoll thread's epoll set, holding `wake` level-triggered: once signalled (the processor is
// quitting) every later sleep ends at once.
UniqueFd new_netpoll_set(int wake) {
  UniqueFd epoll(epoll_create1(EPOLL_CLOEXEC));
  if (!epoll || !epoll_watch(epoll.get(), wake, EPOLLIN)) {
    throw std::runtime_error("the go model's processor: epoll failed");
  }
  return epoll;
}

}  // namespace

Processor::Processor(Sysmon& sysmon, int processors)
    : idle_p_(processors >= 2),
      sysmon_(sysmon),
      wake_(new_eventfd()),
      epoll_(new_netpoll_set(wake_.get())),
      thread_([this] { serve(); }) {
  try {
    netpoll_ = std::thread([this] { netpoll(); });
  } catch (...) {  // no second thread: stop the first before the members go
    quit_ = true;
    wake(/*force=*/true);
    thread_.join();
    throw;
  }
}

void Processor::watch(int fd) {
  if (!idle_p_) return;
  // Go registers EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET at the socket's creation; its write
  // side is ready from the connect on, so after the flight only arrivals make new edges. An
  // error (ENOMEM, ENOSPC: the system's limit of watches) leaves this connection unwatched, as a
  // connection of a model without the netpoller; it cannot fail the request.
  epoll_watch(epoll_.get(), fd, EPOLLIN | EPOLLRDHUP | EPOLLET);
}

void Processor::unwatch(int fd) {
  epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);  // ENOENT: not watched
}

void Processor::signal() {
  const uint64_t one = 1;
  (void)!::write(wake_.get(), &one, sizeof one);  // adds to the eventfd's count
}

bool Processor::poll_arrivals() {
  epoll_event events[4];
  const int n = epoll_wait(epoll_.get(), events, 4, -1);
  bool arrival = false;
  for (int i = 0; i < n; ++i) arrival |= events[i].data.fd != wake_.get();
  return arrival;
}

void Processor::netpoll() {
  pthread_setname_np(pthread_self(), "h2race-netpoll");  // for top -H, perf, scripts/flight-race
  const int64_t steps = work_steps(kNetpollWork);
  while (!quit_) {
    if (!poll_arrivals()) continue;
    do_work(steps);
    wake(/*force=*/false);  // wakep(), with the spin the last hand-off set
  }
}

namespace {
thread_local Processor* t_worker_processor = nullptr;  // a request's thread: its worker's
}  // namespace

void use_processor(Processor& p) { t_worker_processor = &p; }

Processor& processor() {
  if (t_worker_processor) return *t_worker_processor;
  // The worker's sysmon is made first, inside this initialiser, so it outlives the processor
  // whose thread tells it when it runs.
  thread_local Processor own([]() -> Sysmon& {
    thread_local Sysmon worker_sysmon;
    return worker_sysmon;
  }());
  return own;
}

Sysmon& sysmon() { return processor().sysmon(); }

}  // namespace h2race
