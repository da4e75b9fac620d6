// The part of the Go model that stands for Go's runtime, not its transport: the CPU work Go
// spends between steps (spinning), the request goroutine's time off its core (a sleep with a fine
// timer slack), Go's second processor (the thread that wakep() wakes to steal a runnable
// goroutine) and Go's sysmon (a thread whose timer wakes it every ~100 us). clients/go_model.cc,
// the transport, calls these at Go's hand-offs.
#pragma once

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "core/clock.h"
#include "core/futex.h"
#include "core/unique_fd.h"

namespace h2race {

// This machine's speed against the VM of kReferenceAtFit: the thread CPU time of a fixed piece of
// integer work (measure_reference in go_runtime.cc), measured once per process, over the same
// there. Go's steps are CPU work, so their time scales with it on one host; from one host to
// another Go's steps moved more than the chain (twice its time where the chain took 1.5 times,
// 2026-12-06), so the timings are refitted per host (docs/go-model.md, "Refitted on the fc-v1294
// host").
struct MachineSpeed {
  std::chrono::nanoseconds reference;  // this machine, now
  std::chrono::nanoseconds at_fit;     // kReferenceAtFit
  double factor;                       // reference / at_fit: > 1 on a slower machine
};
// The reference on the 2-core VM of 2026-12-03: it fixes the unit of the go models' timings (the
// chain's steps per microsecond there), whichever host they were fitted on since
// (docs/go-model.md).
inline constexpr std::chrono::nanoseconds kReferenceAtFit{320'000};  // 2026-12-03 09:05 UTC
// The yardstick's size: steps of the integer chain in one round (go_runtime.cc).
inline constexpr int64_t kReferenceSteps = 200'000;
// Measured at the first call (about 3 ms); the driver calls it before any iteration starts.
const MachineSpeed& machine_speed();
// The calling thread's CPU time.
std::chrono::nanoseconds thread_cpu_time();

// Go's CPU work between two steps, done as work, not timed: d is CPU time on the machine of the
// fit, and the thread runs as many steps of the yardstick's chain as took d there (work_steps). A
// slower machine takes longer for them, and a thread that loses its core meanwhile takes longer in
// wall time, as Go's work does when the scheduler runs something else: the load is the
// scheduler's, not a fitted delay. (Until 2026-12-03 the thread spun on its CPU clock until d
// times machine_speed() had passed: each look at that clock is a system call of about 0.4 us
// here, so the "work" was mostly kernel entries.)
void spin_for(std::chrono::microseconds d);
// The chain's steps that took d of CPU time at the fit; and running n of them.
int64_t work_steps(std::chrono::microseconds d);
void do_work(int64_t steps);
// The request's thread leaves its core for `d` (a sleep under a fine timer slack: the kernel's
// default 50 us would stretch it; precise_sleep_until), so the read loop, the server and the other
// worker may run on it meanwhile.
void off_cpu_for(std::chrono::microseconds d);

// The model's threads sleep on a futex (core/futex.h), as Go's idle threads do: returns once word
// no longer holds `value`.
void wait_while(std::atomic<int>& word, int value);
// Go's usleep(): a nanosleep under the kernel's default timer slack, which Go's threads keep, so
// usleep(3) lasts about 50 us plus the time the woken thread takes to get a core. For the threads
// that keep the default slack (the second processor's and sysmon's).
void go_usleep(std::chrono::microseconds d);
// Sleeps until t with a fine timer slack (the model's sleeps last microseconds), the thread's own
// slack kept for its other sleeps: a request thread serves several requests, and the second
// processor's backs off under the default slack, as Go's threads do.
void precise_sleep_until(Clock::time_point t);
// Go's back-off before it steals a goroutine that a running P has just made runnable [runqgrab:
// usleep(3) when the victim's runnext is set and its goroutine is not in a system call].
inline constexpr std::chrono::microseconds kStealBackOff{3};

// Go's sysmon: the runtime's thread without a processor that sleeps usleep(20) between rounds of
// its checks [sysmon]. The kernel's default timer slack (50 us) stretches the sleep: in Go 1.26.8's
// processes it woke every 99 us and ran 10 us (p50), and the thread a timer wakes takes the core of
// whatever runs there, the writer's thread or the server (perf, 2026-12-04; docs/go-model.md, "Who
// takes whose core"). After each sleep, if every P is idle (the process waits on the network), it
// sleeps deep until a goroutine enters a system call again [sysmon: notetsleep(&sched.sysmonnote);
// entersyscall, exitsyscall wake it]: Go's sysmon starts ticking again when its process resumes
// after each wait, not on a clock of its own (docs/go-model.md, "Go's sysmon sleeps when its
// process waits"). The model's sysmon does the same: a 20 us nanosleep under the default slack;
// then, if every thread of its worker waits on the socket or for its stream (waiting(); the
// request's thread and the second processor's count while they run, see Running and Processor),
// a futex sleep until one runs again (running()); then kSysmonWork of the chain's CPU work. One per
// client worker (Go has one per process; calibrate runs two processes against two workers),
// ticking while the worker has a request in flight and asleep in a futex otherwise, so that it
// never runs beside the real program's batches. It takes no lock and touches no connection: a
// schedule's waits cannot block on it.
inline constexpr std::chrono::microseconds kSysmonWork{2};
class Sysmon {
 public:
  Sysmon() : thread_([this] { serve(); }) {}
  ~Sysmon() {
    quit_ = true;
    active_.fetch_add(1);
    futex_wake(active_);
    deep_.store(0);
    futex_wake(deep_);
    thread_.join();
  }
  // While one lives, the worker has a request in flight and sysmon ticks.
  class Ticking {
   public:
    explicit Ticking(Sysmon& s) : s_(s) {
      if (s_.active_.fetch_add(1) == 0) futex_wake(s_.active_);
    }
    ~Ticking() { s_.active_.fetch_sub(1); }
    Ticking(const Ticking&) = delete;
    Ticking& operator=(const Ticking&) = delete;

   private:
    Sysmon& s_;
  };
  // A thread of the worker holds a P (runs) while one lives: the request's thread, for its life.
  class Running {
   public:
    explicit Running(Sysmon& s) : s_(s) { s_.running(); }
    ~Running() { s_.waiting(); }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;

   private:
    Sysmon& s_;
  };
  // A running thread waits (for its stream's end) while one lives.
  class Waiting {
   public:
    explicit Waiting(Sysmon& s) : s_(s) { s_.waiting(); }
    ~Waiting() { s_.running(); }
    Waiting(const Waiting&) = delete;
    Waiting& operator=(const Waiting&) = delete;

   private:
    Sysmon& s_;
  };
  // A running thread of the worker starts waiting (its P goes idle), and runs again; the second
  // wakes sysmon from its deep sleep when it was the last to wait.
  void waiting() { running_.fetch_sub(1); }
  void running() {
    if (running_.fetch_add(1) == 0 && deep_.exchange(0) == 1) futex_wake(deep_);
  }

 private:
  void serve();
  std::atomic<int> active_{0};   // requests in flight on the worker
  std::atomic<int> running_{0};  // the worker's threads that hold a P: not waiting
  // 1 while sysmon sleeps deep. Sequentially consistent with running_: either sysmon sees a
  // thread running after it set this, or that thread's running() sees this set and wakes it.
  std::atomic<int> deep_{0};
  std::atomic<bool> quit_{false};
  std::thread thread_;  // last: starts once the members above exist
};

// How many processors Go runs in this process [GOMAXPROCS, runtime.schedinit]: the environment's
// GOMAXPROCS when it is a whole number above 0, else the CPUs the process may run on (its affinity
// mask; `taskset -c 0` makes one). Go >= 1.25 also takes a cgroup's CPU limit, but never below two
// [defaultGOMAXPROCS], so on the question the model asks (one processor or more) it changes
// nothing. go_maxprocs_for is the rule: env as getenv("GOMAXPROCS") returns it.
int go_maxprocs_for(const char* env, int affinity_cpus);
int go_maxprocs();

// Go's second processor. GOMAXPROCS is the number of cores (two here) and the writer's goroutines
// hand over to one another on the first (runnext). Whenever a goroutine becomes runnable while a
// processor is idle and no thread spins, Go wakes a thread [wakep] that looks for a goroutine to
// steal [findRunnable, stealWork]. At the model's hand-offs what it finds is the writer's P running
// with the goroutine it has just readied in runnext, so it backs off before it steals: usleep(3)
// [runqgrab], about 50 us of timer slack plus a wake-up, asleep and off its core. Then it takes
// the read loop if that is runnable by then, and sleeps again on its futex (docs/go-model.md,
// "Go's thief backs off": in Go's execution trace the read loop of an h2:no_connection request
// first ran on the other P 30 us after `go cc.readLoop()` (p50), taken by a P that had been
// looking since 7 us after the flight). While it backs off it still counts as spinning, so wakep()
// does nothing, as in Go (nmspinning). The thread competes with the server for the cores, as Go's
// does. One such thread per client worker, reused for every connection. If the read loop is not
// taken, the writer's own processor runs it once the request's goroutines wait [schedule]
// (GoConn::await). The looking thread never holds a lock the writer needs: it watches atomics.
// With one processor (go_maxprocs() 1, as Go on one CPU) there is none idle to wake: wakep() does
// nothing and the read loop waits for the writer's (docs/go-model.md, "One core").
// Go's netpoller beside it: while goroutines wait on the network, one of Go's Ms that found no
// work blocks in epoll_pwait on the process's sockets, holding no P [findRunnable: netpoll(delay)].
// An arrival wakes it; it takes the idle P if there is one and looks from the top, as a wakep()'d
// M does, else it stops. Traced against h2race's server, the server's alert woke such a thread of
// Go's in 53-61 % of Go's connections, and it took the server's core before the server's close in
// a third of those where the server had taken the writer's (docs/go-model.md, "Go's netpoller
// wakes on the server's alert"). The model's netpoll thread sleeps in epoll_wait on the worker's
// connection from its flight on (watch, edge-triggered as Go's); woken by an arrival it runs
// kNetpollWork, wakes the looking thread as wakep() does (Go's M would look itself: one thread's
// wake-up more here), and sleeps again.
inline constexpr std::chrono::microseconds kNetpollWork{1};
class Processor {
 public:
  // sysmon: the worker's, told when this thread holds a P (looking, backing off, running the read
  // loop) and when it sleeps.
  // processors: Go's GOMAXPROCS for this process; with one there is no idle P.
  explicit Processor(Sysmon& sysmon, int processors = go_maxprocs());
  ~Processor() {
    quit_ = true;
    wake(/*force=*/true);
    signal();
    thread_.join();
    netpoll_.join();
  }
  // The worker's connection, from its flight on: its socket's arrivals wake the netpoll thread.
  // With one processor nothing is watched: Go's only P is busy while its writer runs, so none of
  // its Ms waits in netpoll then. Closing the socket ends the watch (the kernel drops a closed
  // socket from the epoll set without an event); unwatch() ends it before a shutdown(), whose
  // hang-up would wake the thread as an arrival does.
  void watch(int fd);
  void unwatch(int fd);
  // Whether the looking thread is idle (asleep on its futex): for tests.
  bool idle() const { return state_.load() == kIdle; }
  // Go's wakep(): a thread that is neither spinning nor running is woken (a futex wake) to look
  // for `spin` once it runs, then back off and steal; otherwise nothing happens.
  void wakep(std::chrono::microseconds spin) {
    if (!idle_p_) return;
    spin_us_.store(spin.count(), std::memory_order_relaxed);
    wake(false);
  }
  // The read loop becomes runnable [go cc.readLoop()]: stealable from `from` on, or at once and
  // always (`always`: a schedule orders the threads, so the read loop must run on its own thread
  // whatever the writer does).
  void post(std::function<void()> job, Clock::time_point from, std::chrono::microseconds spin,
            bool always) {
    {
      std::lock_guard lock(mu_);
      job_ = std::move(job);
      from_ns_.store(from.time_since_epoch().count(), std::memory_order_relaxed);
      always_.store(always);
      job_ready_.store(true);
    }
    spin_us_.store(spin.count(), std::memory_order_relaxed);
    if (idle_p_ || always) wake(always);
  }
  // The writer's processor takes the read loop if nobody stole it (and no schedule wants it on
  // its own thread).
  std::optional<std::function<void()>> take() {
    std::lock_guard lock(mu_);
    if (!job_ || always_.load()) return std::nullopt;
    return detach_locked();
  }
  // The read loop runs on this thread now, whoever is first: the request returned without it.
  void release() {
    {
      std::lock_guard lock(mu_);
      if (!job_) return;
      always_.store(true);
    }
    wake(true);
  }
  // A read loop nobody took never runs.
  void drop() {
    std::lock_guard lock(mu_);
    if (job_) detach_locked();
  }
  // Waits for a read loop running here to end.
  void wait_idle() { wait_while(state_, kRunning); }
  // The worker's sysmon.
  Sysmon& sysmon() { return sysmon_; }

 private:
  enum : int { kIdle, kSpinning, kRunning };
  std::function<void()> detach_locked() {
    auto job = std::move(*job_);
    job_.reset();
    job_ready_.store(false);
    return job;
  }
  // Idle → spinning, with a futex wake; `force` also when already spinning (a job that must run).
  void wake(bool force) {
    int idle = kIdle;
    if (state_.compare_exchange_strong(idle, kSpinning) || force) futex_wake(state_);
  }
  // Ends the netpoll thread's epoll_wait (its eventfd), to quit.
  void signal();
  // The netpoll thread's sleep: until signal() or an arrival on a watched socket (then true).
  bool poll_arrivals();
  // The netpoll thread.
  void netpoll();
  // Whether this thread may take the posted read loop now: one that must run here at once; else,
  // with an idle P (Go's second processor), once it backed off and the read loop's start came.
  // With one processor it takes only what must run here: woken for a read loop that its request
  // then dropped, it would otherwise take the next connection's, a second P that Go does not have
  // (a redial on GOMAXPROCS=1 in CI, 2026-12-07).
  bool may_take(bool backed_off) const {
    if (!job_ready_.load()) return false;
    if (always_.load()) return true;
    return idle_p_ && backed_off &&
           Clock::now().time_since_epoch().count() >= from_ns_.load(std::memory_order_relaxed);
  }
  // Runs the read loop if it may still take it: asked again under the lock, since the one it saw
  // may have been dropped and the next connection's posted meanwhile.
  void steal(bool backed_off) {
    std::function<void()> job;
    {
      std::lock_guard lock(mu_);
      if (!job_ || !may_take(backed_off)) return;
      job = detach_locked();
      state_.store(kRunning);
    }
    const Clock::time_point from(Clock::duration(from_ns_.load(std::memory_order_relaxed)));
    if (Clock::now() < from) precise_sleep_until(from);  // the read loop's start delay
    job();
    state_.store(kIdle);
    futex_wake(state_);  // wait_idle()
  }
  // A read loop that must run on this thread (a schedule orders the threads, or the request
  // returned without it).
  bool must_run() const { return job_ready_.load() && always_.load(); }
  void serve() {
    pthread_setname_np(pthread_self(), "h2race-readloop");  // for top -H, perf sched, gdb
    for (;;) {
      // Idle until wakep(), a read loop that must run here, or quitting. Each is re-checked after
      // the thread last went idle, so none can slip in while it was spinning.
      for (;;) {
        if (quit_) return;
        if (state_.load() != kIdle) break;
        if (must_run()) {
          int idle = kIdle;
          state_.compare_exchange_strong(idle, kSpinning);
          break;
        }
        wait_while(state_, kIdle);
      }
      sysmon_.running();  // holds a P until it sleeps again
      // Looking: the window starts when the thread runs, as Go's spinning M's does, and is CPU
      // work like Go's (spin_for), done in small pieces with a look between for a read loop that
      // must run here. Then Go's back-off (kStealBackOff) and the steal, if the read loop is
      // there; then idle again.
      constexpr int64_t kStepsPerLook = 64;  // about 0.1 us of the chain
      int64_t left =
          work_steps(std::chrono::microseconds(spin_us_.load(std::memory_order_relaxed)));
      bool backed_off = false;
      for (;;) {
        if (may_take(backed_off)) {
          steal(backed_off);
          if (state_.load() != kSpinning) break;
        }
        if (quit_) return;
        if (!idle_p_) {
          // With one processor only a read loop that must run here brings the thread up, and
          // that one is gone (its connection's end dropped it first): nothing to look for, so it
          // neither works nor backs off on the only CPU (it used to, beside the writer).
          int spinning = kSpinning;
          if (state_.compare_exchange_strong(spinning, kIdle)) break;
          continue;
        }
        if (left > 0) {
          do_work(kStepsPerLook);
          left -= kStepsPerLook;
          continue;
        }
        if (!backed_off) {
          backed_off = true;
          go_usleep(kStealBackOff);
          continue;
        }
        int spinning = kSpinning;
        if (!state_.compare_exchange_strong(spinning, kIdle)) continue;
        // Go's M looks at the run queues once more after it stopped spinning [findRunnable,
        // after nmspinning's decrement]: a read loop posted just before woke nobody (post's
        // wake() saw this thread spinning). Found, it backs off again and then steals, as Go's M
        // starts over from the top. (A read loop whose start is still ahead, --go-read-loop-us
        // above 0, is not found here and waits for the writer, as it did before.)
        int idle = kIdle;
        if (!may_take(/*backed_off=*/true) || !state_.compare_exchange_strong(idle, kSpinning)) {
          break;
        }
        backed_off = false;
      }
      sysmon_.waiting();
    }
  }
  std::mutex mu_;  // job_
  std::optional<std::function<void()>> job_;
  // Sequentially consistent, as state_: a job set before a failed wake() is seen by the thread's
  // check after it went idle.
  std::atomic<bool> job_ready_{false};  // job_ is set: the spinning thread reads this, not job_
  std::atomic<int64_t> from_ns_{0};     // Clock ticks: when job_ may be stolen
  std::atomic<bool> always_{false};
  std::atomic<int64_t> spin_us_{0};
  std::atomic<int> state_{kIdle};
  std::atomic<bool> quit_{false};
  const bool idle_p_;  // Go runs a second processor here (go_maxprocs() >= 2)
  Sysmon& sysmon_;
  UniqueFd wake_;        // an eventfd: signal()
  UniqueFd epoll_;       // the netpoll thread's sleep: wake_ and the watched sockets
  std::thread thread_;   // starts once the members above exist
  std::thread netpoll_;  // last, as thread_
};

// The calling client worker's processor (one per worker thread, reused for every connection).
Processor& processor();
// The calling client worker's sysmon.
Sysmon& sysmon();
// Makes p the calling thread's processor(): a request's own thread (run_go_model) uses its
// worker's.
void use_processor(Processor& p);

}  // namespace h2race
