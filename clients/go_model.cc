// The model's order of operations, per connection (Go's names in brackets):
//   1. connect and handshake; TLS 1.3 returns after the client's Finished is written.
//   2. write preface + SETTINGS + WINDOW_UPDATE and flush [newClientConn]; a write error fails the
//      dial and is what the user sees.
//   3. the read loop becomes runnable [go cc.readLoop()]: Go's other processor steals it if it is
//      spinning then (Processor below); if not, the writer runs it once the request waits. A read
//      error marks the connection closed and aborts every stream with that error [readLoop].
//   4. the request reserves the connection [ReserveNewRequest, after the dial goroutine hands the
//      connection over]; closed → the Transport dials a new connection [ErrNoCachedConn].
//   5. the stream gets its ID [awaitOpenSlotForStreamLocked]; closed → Go <= 1.23 redials
//      [errClientConnUnusable], Go >= 1.24 reports h2:no_connection [errClientConnNotEstablished].
//   6. if the preface drew the server's RST, off the core for a while; then, unless the stream
//      was aborted meanwhile, write HEADERS [encodeAndWriteHeaders]; a write error aborts the
//      stream with it.
//   7. wait for the response or an abort; the first abort wins [abortOnce].
// Between the steps, Go's own CPU work (ClientTarget::go_timing, spent spinning; off_cpu is a
// sleep) and, at every goroutine hand-off, Go's wakep(): the idle processor's thread is woken
// and spins for work. The durations are calibrated against real Go (`h2race calibrate`);
// everything else — when the alert arrives, which thread gets a core — is left to the kernel
// and the scheduler.
#include "clients/go_model.h"

#include <fmt/format.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "clients/h2_client_session.h"
#include "core/classes.h"
#include "core/inject.h"

namespace h2race {
namespace {

void spin_for(std::chrono::microseconds d) {
  const auto until = Clock::now() + d;
  while (Clock::now() < until) {
  }
}

// The model's sleeps last microseconds; the kernel's default timer slack (50 us) would stretch
// them. Set once per thread, for the rest of its life.
void precise_sleeps_on_this_thread() {
  thread_local const int slack_set = prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  (void)slack_set;
}

// The request's thread leaves its core for `d` (a sleep), so the read loop, the server and the
// other worker may run on it meanwhile.
void off_cpu_for(std::chrono::microseconds d) {
  if (d.count() <= 0) return;
  precise_sleeps_on_this_thread();
  std::this_thread::sleep_for(d);
}

bool is_transport_error(const Outcome& o) {
  return o.alert < 0 && o.cls != cls::kOk && o.cls != cls::kTimeout;
}

// Reads on after a transport error (prefer-alert, when no read loop runs yet): the alert on its
// way, if one arrives within grace, else the error.
Outcome read_alert_for(TlsClientConn& conn, std::chrono::milliseconds grace, Outcome error) {
  const auto start = Clock::now();
  auto waited = [&] {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  };
  std::vector<uint8_t> discard;
  for (;;) {
    auto r = conn.read_some(discard, /*wait=*/true, start + grace);
    discard.clear();
    if (!r.failure) continue;
    Outcome out = r.failure->alert >= 0 ? *r.failure : std::move(error);
    out.grace = waited();
    return out;
  }
}

// Go's second processor. GOMAXPROCS is the number of cores (two here) and the writer's goroutines
// hand over to one another on the first (runnext). Whenever a goroutine becomes runnable while a
// processor is idle and no thread spins, Go wakes a thread [wakep] that spins looking for a
// goroutine to steal [findrunnable] and sleeps again when it finds none. That thread competes
// with the server for the cores, as Go's does (docs/go-model.md). One such thread per client
// worker, reused for every connection. If it finds the read loop runnable, it runs it; if not,
// the writer's own processor runs it once the request's goroutines wait [schedule]
// (GoConn::await). The spinning thread never holds a lock the writer needs: it watches atomics.
class Processor {
 public:
  Processor() : thread_([this] { serve(); }) {}
  ~Processor() {
    quit_ = true;
    wake(/*force=*/true);
    thread_.join();
  }
  // Go's wakep(): a thread that is neither spinning nor running is woken (a futex wake) to spin
  // for `spin` once it runs; otherwise nothing happens.
  void wakep(std::chrono::microseconds spin) {
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
    wake(always);
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
  void wait_idle() {
    for (int s = state_.load(); s == kRunning; s = state_.load()) state_.wait(s);
  }

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
    if (state_.compare_exchange_strong(idle, kSpinning) || force) state_.notify_all();
  }
  bool stealable() const {
    if (!job_ready_.load()) return false;
    if (always_.load()) return true;
    return Clock::now().time_since_epoch().count() >= from_ns_.load(std::memory_order_relaxed);
  }
  // Runs the read loop if it is still there.
  void steal() {
    std::function<void()> job;
    {
      std::lock_guard lock(mu_);
      if (!job_) return;
      job = detach_locked();
      state_.store(kRunning);
    }
    const Clock::time_point from(Clock::duration(from_ns_.load(std::memory_order_relaxed)));
    if (Clock::now() < from) std::this_thread::sleep_until(from);
    job();
    state_.store(kIdle);
    state_.notify_all();  // wait_idle()
  }
  // A read loop that must run on this thread (a schedule orders the threads, or the request
  // returned without it).
  bool must_run() const { return job_ready_.load() && always_.load(); }
  void serve() {
    precise_sleeps_on_this_thread();                        // the read loop's start delay
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
        state_.wait(kIdle);
      }
      // Spinning: the window starts when the thread runs, as Go's spinning M's does.
      const auto until =
          Clock::now() + std::chrono::microseconds(spin_us_.load(std::memory_order_relaxed));
      for (;;) {
        if (stealable()) {
          steal();
          if (state_.load() != kSpinning) break;
        }
        if (quit_) return;
        if (Clock::now() >= until) {
          int spinning = kSpinning;
          if (state_.compare_exchange_strong(spinning, kIdle)) break;
        }
      }
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
  std::thread thread_;  // last: starts once the members above exist
};

Processor& processor() {
  thread_local Processor p;
  return p;
}

// One HTTP/2 connection as Go's ClientConn sees it: the caller's thread writes, the read loop's
// thread reads; io_mu serialises the SSL object and the nghttp2 session (Go's tls.Conn allows a
// Read and a Write at once; here they take turns, each for a few microseconds).
class GoConn {
 public:
  GoConn(TlsClientConn& conn, H2ClientSession& h2, Clock::time_point deadline)
      : conn_(conn), h2_(h2), deadline_(deadline) {}
  ~GoConn() { stop(); }
  GoConn(const GoConn&) = delete;
  GoConn& operator=(const GoConn&) = delete;

  // Writes what make() builds from the nghttp2 session; both under io_mu, since the read loop
  // feeds the same session.
  template <typename F>
  std::optional<Outcome> write(F make) {
    std::lock_guard io(io_mu_);
    return conn_.write_all(make());
  }
  // The read loop becomes runnable [go cc.readLoop()]: the other processor may steal it from
  // `delay` on, while it spins; see Processor.
  void start_read_loop(std::chrono::microseconds delay, std::chrono::microseconds spin) {
    started_ = true;
    processor().post(
        [this, conn = current_connection()] {
          join_connection(conn);
          read_loop();
          leave_connection();
        },
        Clock::now() + delay, spin, ordering_threads());
  }
  // Under the connection's mutex: closed (the read loop failed) or not; if not, runs `then`.
  template <typename F>
  bool closed_else(F then) {
    std::lock_guard lock(mu_);
    if (closed_) return true;
    then();
    return false;
  }
  std::optional<Outcome> read_error() {
    std::lock_guard lock(mu_);
    return read_error_;
  }
  void add_stream() { stream_ = true; }  // under closed_else
  void abort(Outcome why) {
    std::lock_guard lock(mu_);
    abort_locked(std::move(why));
  }
  // Go checks this before encoding HEADERS: an aborted stream writes nothing.
  bool aborted() {
    std::lock_guard lock(mu_);
    return abort_.has_value();
  }
  // The stream's end: the first abort or the response; timeout at the deadline.
  Outcome await() {
    // The request's goroutines wait: the writer's processor runs the read loop if nobody stole
    // it. A stream already aborted (its HEADERS write failed, or a stolen read loop aborted it)
    // returns at once, as Go's RoundTrip does; a read loop nobody took then runs on the other
    // thread.
    if (aborted()) {
      processor().release();
    } else if (processor().take()) {
      read_loop();
    }
    std::unique_lock lock(mu_);
    if (!cv_.wait_until(lock, deadline_, [&] { return abort_.has_value(); })) {
      return timeout_outcome("read");
    }
    return *abort_;
  }
  // prefer-alert: waits up to grace for the read loop's error; the alert if it is one.
  std::optional<Outcome> await_alert(std::chrono::milliseconds grace) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, grace, [&] { return read_error_.has_value(); });
    if (read_error_ && read_error_->alert >= 0) return read_error_;
    return std::nullopt;
  }
  void stop() {
    if (!started_) return;
    started_ = false;
    processor().drop();  // a read loop nobody took never starts
    stopping_ = true;
    conn_.stop_reading();  // wakes the read loop's poll; nothing is sent to the server
    processor().wait_idle();
  }

 private:
  void abort_locked(Outcome why) {
    if (explaining()) {
      note("abort", abort_ ? fmt::format("{}: too late, the stream was already aborted", why.cls)
                           : fmt::format("{}: the first abort, what the user sees", why.cls));
    }
    if (abort_) return;  // the first abort wins
    abort_ = std::move(why);
    cv_.notify_all();
  }
  void fail(Outcome why) {
    std::lock_guard lock(mu_);
    closed_ = true;
    read_error_ = why;
    if (stream_) {
      abort_locked(std::move(why));
    } else if (explaining()) {
      note("closed", fmt::format("by {}; no stream has an ID yet", why.cls));
    }
    cv_.notify_all();
  }
  void read_loop() {
    at(Point::kClientReadLoopStarted);
    std::vector<uint8_t> in;
    for (;;) {
      const bool ready = conn_.wait_readable(deadline_);
      if (stopping_) return;
      if (!ready) return fail(timeout_outcome("read"));
      TlsClientConn::ReadResult r;
      std::optional<Outcome> done;
      {
        std::lock_guard io(io_mu_);
        r = conn_.read_some(in, /*wait=*/false);
        if (!in.empty()) {
          done = h2_.feed(in);
          in.clear();
          // SETTINGS ACK and the like; their failure is not what the user sees.
          (void)conn_.write_all(h2_.pending());
        }
      }
      if (stopping_) return;
      if (done) {
        std::lock_guard lock(mu_);
        if (stream_) return abort_locked(std::move(*done));
      }
      if (done || r.failure) {
        fail(done ? *done : *r.failure);
        return at(Point::kClientReadError);
      }
    }
  }

  TlsClientConn& conn_;
  H2ClientSession& h2_;
  const Clock::time_point deadline_;
  std::mutex io_mu_;
  std::mutex mu_;  // Go's cc.mu
  std::condition_variable cv_;
  bool closed_ = false;
  bool stream_ = false;
  std::optional<Outcome> read_error_;
  std::optional<Outcome> abort_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
};

struct Attempt {
  bool redial = false;
  ClientResult result;
};

Attempt run_connection(const ClientTarget& t, const GoModelOptions& options) {
  // The nghttp2 session and the preface's bytes are made before the handshake: between the
  // handshake's end and the preface write the model spends only go_timing.preface (Go's time
  // there), not its own set-up on top. (Building the request's bytes early as well moved the
  // HEADERS write before Go's: 51 % EPIPE against Go's 25 %.)
  H2ClientSession h2(t.authority);
  const std::vector<uint8_t> preface = h2.preface();
  TlsClientConn conn(t.ctx, t.deadline);
  conn.end_flight_like_go();
  if (auto failed = open_connection(conn, t)) return {false, *failed};
  const auto key = conn.key();
  auto done = [&](Outcome o) { return Attempt{false, {std::move(o), key}}; };

  GoConn cc(conn, h2, t.deadline);
  auto wakep = [&] { processor().wakep(t.go_timing.spin); };
  wakep();  // the handshake's goroutine hands over to the dial goroutine
  spin_for(t.go_timing.preface);
  wakep();  // go addConnCall.run
  at(Point::kClientBeforePreface);
  if (auto f = cc.write([&] { return std::span<const uint8_t>(preface); })) {
    if (options.alert_grace && is_transport_error(*f)) {
      return done(read_alert_for(conn, *options.alert_grace, *f));
    }
    return done(*f);
  }
  at(Point::kClientAfterPreface);
  // The preface went into a connection the server had closed: its RST is back already.
  const bool preface_reset = conn.reset_by_peer();
  cc.start_read_loop(t.go_timing.read_loop, t.go_timing.spin);

  spin_for(t.go_timing.handoff);
  wakep();  // the dial goroutine hands the connection to the request's
  if (cc.closed_else([] {})) {
    if (explaining()) {
      note("redial", "the connection closed before the request took it [ErrNoCachedConn]");
    }
    return {true, {timeout_outcome("redial"), key}};
  }
  at(Point::kClientConnReserved);
  if (cc.closed_else([&] { cc.add_stream(); })) {
    if (options.redial_unusable) {
      if (explaining()) {
        note("redial",
             "the connection closed before the stream got its ID [errClientConnUnusable]");
      }
      return {true, {timeout_outcome("redial"), key}};
    }
    const Outcome cause = *cc.read_error();
    if (options.alert_grace && cause.alert >= 0) return done(cause);
    if (explaining()) {
      note("stream",
           "gets no ID: the connection is closed, could not be established "
           "[errClientConnNotEstablished]");
    }
    return done(no_connection_outcome(cause));
  }
  wakep();  // go cs.doRequest
  // When its preface drew the server's RST, Go's request goroutine is slow to its HEADERS
  // (httptrace: GotConn to WroteHeaders 31 us at the median when the write succeeds, 144 us when
  // it fails and the user still sees the alert, a quarter of the requests against a server that
  // reads ahead and 2 % against one that resets first; docs/go-model.md).
  if (preface_reset) off_cpu_for(t.go_timing.off_cpu);
  spin_for(t.go_timing.headers);
  at(Point::kClientBeforeHeaders);
  if (!cc.aborted()) {
    if (auto f = cc.write([&] { return h2.request(); })) cc.abort(*f);
  } else if (explaining()) {
    note("headers", "not written: the stream is already aborted [encodeAndWriteHeaders]");
  }
  at(Point::kClientBeforeRead);
  Outcome result = cc.await();
  if (options.alert_grace && is_transport_error(result)) {
    const auto start = Clock::now();
    if (auto alert = cc.await_alert(*options.alert_grace)) result = *alert;
    // At least 1 us: the histogram counts the iterations that took the grace path.
    result.grace = std::max(std::chrono::microseconds(1),
                            std::chrono::ceil<std::chrono::microseconds>(Clock::now() - start));
  }
  return done(std::move(result));
}

}  // namespace

ClientResult run_go_model(const ClientTarget& t, const GoModelOptions& options) {
  // Go's Transport redials until the request's deadline (the client's timeout); past it the user
  // sees a timeout, paired with the last connection's truth.
  for (uint32_t redials = 0;; ++redials) {
    Attempt a = run_connection(t, options);
    if (!a.redial || Clock::now() >= t.deadline) {
      a.result.outcome.redials = redials;
      return a.result;
    }
  }
}

}  // namespace h2race
