// The model's order of operations, per connection (Go's names in brackets):
//   1. connect and handshake; TLS 1.3 returns after the client's Finished is written.
//   2. write preface + SETTINGS + WINDOW_UPDATE and flush [newClientConn]; a write error fails the
//      dial and is what the user sees.
//   3. the read loop becomes runnable [go cc.readLoop()]: Go's other processor steals it if it
//      finds it when it comes back from its back-off (Processor below); if not, the writer runs it
//      once the request waits. A read error marks the connection closed and aborts every stream
//      with that error [readLoop].
//   4. the request reserves the connection [ReserveNewRequest, after the dial goroutine hands the
//      connection over]; closed → Go <= 1.23 dials a new connection [ErrNoCachedConn], Go >= 1.24
//      takes it anyway (a never-used connection stays reservable for 5 s).
//   5. the stream gets its ID [awaitOpenSlotForStreamLocked]; closed → Go <= 1.23 redials
//      [errClientConnUnusable], Go >= 1.24 reports h2:no_connection [errClientConnNotEstablished].
//   6. if the preface drew the server's RST, off the core for a while; then, unless the stream
//      was aborted meanwhile, write HEADERS [encodeAndWriteHeaders]; a write error aborts the
//      stream with it.
//   7. wait for the response or an abort; the first abort wins [abortOnce].
// Between the steps, Go's own CPU work (ClientTarget::go_timing, done as work; off_cpu is a
// sleep) and, at every goroutine hand-off, Go's wakep(): the idle processor's thread is woken,
// looks, backs off and steals what it then finds; from the flight on, an arrival on the connection
// (the server's alert) wakes Go's netpoller, which wakes that thread as wakep() does. Throughout,
// Go's sysmon wakes every ~100 us and takes a core for a while. The durations are calibrated
// against real Go (`h2race calibrate`); everything else — when the alert arrives, which thread
// gets a core — is left to the kernel and the scheduler.
#include "clients/go_model.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "clients/go_runtime.h"
#include "clients/h2_client_session.h"
#include "clients/request_threads.h"
#include "core/classes.h"
#include "core/inject.h"

namespace h2race {
namespace {

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
  // `delay` on, after its back-off; see Processor.
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
  // Whether the read loop failed and closed the connection.
  bool closed() {
    std::lock_guard lock(mu_);
    return closed_;
  }
  // The request's stream gets its ID unless the connection is closed, in one step under the
  // connection's mutex, as Go's awaitOpenSlotForStreamLocked does; false when closed.
  bool open_stream() {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    stream_ = true;
    return true;
  }
  // When the read loop first ran on either thread; none (the epoch) if it has not yet.
  Clock::time_point read_loop_started() const {
    return Clock::time_point(Clock::duration(read_loop_started_.load()));
  }
  std::optional<Outcome> read_error() {
    std::lock_guard lock(mu_);
    return read_error_;
  }
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
    const Sysmon::Waiting waiting(sysmon());  // for the response or the first abort
    std::unique_lock lock(mu_);
    if (!cv_.wait_until(lock, deadline_, [&] { return abort_.has_value(); })) {
      return timeout_outcome("read");
    }
    return *abort_;
  }
  // prefer-alert: waits up to grace for the read loop's error; the alert if it is one.
  std::optional<Outcome> await_alert(std::chrono::milliseconds grace) {
    const Sysmon::Waiting waiting(sysmon());
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
    // Go's netpoller does not see its own connection's close; the shutdown below would wake it.
    processor().unwatch(conn_.socket_fd());
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
    read_loop_started_.store(Clock::now().time_since_epoch().count());
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
      // The request may have ended meanwhile (its HEADERS write failed first). An alert read now
      // is still this read loop's error, recorded as the abort that came too late: the read
      // and the abort are separate steps, in Go too (readLoop returns, then cleanup takes cc.mu
      // to abort the streams), so a timeline can show the alert read before the write that won.
      // Anything else read while stopping is the stop's own doing.
      if (stopping_ && !(r.failure && r.failure->alert >= 0)) return;
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
  std::atomic<Clock::rep> read_loop_started_{0};
  bool started_ = false;
};

struct Attempt {
  bool redial = false;
  ClientResult result;
};
// A step of the request: nothing when it goes on, else how the attempt ended.
using Step = std::optional<Attempt>;

// The connection's waits on its socket, told to the worker's sysmon (see Sysmon).
class SysmonWaits final : public TlsClientConn::WaitObserver {
 public:
  explicit SysmonWaits(Sysmon& s) : s_(s) {}
  void waiting() override { s_.waiting(); }
  void running() override { s_.running(); }

 private:
  Sysmon& s_;
};

// One attempt's state, across the steps below. The nghttp2 session and the preface's bytes are
// made before the handshake: between the handshake's end and the preface write the model spends
// only go_timing.preface (Go's time there), not its own set-up on top. (Building the request's
// bytes early as well moved the HEADERS write before Go's: 51 % EPIPE against Go's 25 %.)
struct Request {
  Request(const ClientTarget& target, const GoModelOptions& opts)
      : t(target),
        options(opts),
        h2(t.authority),
        preface(h2.preface()),
        waits(sysmon()),
        conn(t.ctx, t.deadline),
        request_tid(gettid()) {
    conn.observe_waits(&waits);
  }
  const ClientTarget& t;
  const GoModelOptions& options;
  H2ClientSession h2;
  const std::vector<uint8_t> preface;
  SysmonWaits waits;  // before conn, which tells it of every wait
  TlsClientConn conn;
  std::optional<ConnKey> key;
  std::optional<GoConn> cc;  // last: its read loop uses conn and h2, and stops first
  bool preface_reset = false;
  // When the flight left (the handshake returned), the preface write began and returned, the read
  // loop became runnable, the stream asked for its ID, the request looked whether its stream was
  // aborted before HEADERS, and the HEADERS write began (none: not reached): the spans Go's
  // execution trace gives (bench/go-trace), for the log.
  Clock::time_point flight{}, preface_start{}, preface_end{}, read_loop_runnable{}, stream_id{},
      headers_check{}, headers_start{};
  // The thread that runs the attempt's steps (its request thread), taken before the handshake:
  // a system call in the window itself would lengthen it.
  const pid_t request_tid;

  // read_loop_to_request on the clock's own scale, with its thread (scripts/go-window-cores).
  std::optional<RaceWindow> window() const {
    if (read_loop_runnable == Clock::time_point{} || stream_id == Clock::time_point{}) {
      return std::nullopt;
    }
    auto ns = [](Clock::time_point at_time) {
      return std::chrono::duration_cast<std::chrono::nanoseconds>(at_time.time_since_epoch())
          .count();
    };
    return RaceWindow{ns(read_loop_runnable), ns(stream_id), request_tid};
  }

  Attempt done(Outcome o) const {
    o.steps_us = steps_us();
    o.window = window();
    return {false, {std::move(o), key}};
  }
  std::vector<std::pair<std::string_view, double>> steps_us() const {
    std::vector<std::pair<std::string_view, double>> steps;
    auto add = [&](std::string_view name, Clock::time_point from, Clock::time_point to) {
      if (from != Clock::time_point{} && to != Clock::time_point{}) {
        steps.emplace_back(name, std::chrono::duration<double, std::micro>(to - from).count());
      }
    };
    add("flight_to_preface", flight, preface_start);
    add("preface_write", preface_start, preface_end);
    add("preface_to_headers", preface_start, headers_start);
    // The window in which the read loop can close the connection before the stream's ID.
    add("read_loop_to_request", read_loop_runnable, stream_id);
    // Whether the read loop ran before the request looked at its stream before HEADERS (a read
    // loop that ran first may have aborted it): both from the read loop's becoming runnable.
    add("read_loop_wait", read_loop_runnable, cc ? cc->read_loop_started() : Clock::time_point{});
    add("read_loop_to_headers_check", read_loop_runnable, headers_check);
    return steps;
  }
  Attempt redial() const { return {true, {timeout_outcome("redial"), key}}; }
  // Go's wakep() at a goroutine hand-off: the idle processor's thread looks for work.
  void wakep() const { processor().wakep(t.go_timing.spin); }
};

// [dialClientConn, newClientConn]: handshake, then preface + SETTINGS + WINDOW_UPDATE; a write
// error fails the dial and is what the user sees. Then the read loop becomes runnable.
Step newClientConn(Request& r) {
  r.conn.end_flight_like_go();
  if (auto failed = open_connection(r.conn, r.t)) return Attempt{false, *failed};
  r.flight = Clock::now();
  processor().watch(r.conn.socket_fd());  // Go's netpoller: arrivals wake its idle M
  r.key = r.conn.key();
  r.cc.emplace(r.conn, r.h2, r.t.deadline);
  r.wakep();  // the handshake's goroutine hands over to the dial goroutine
  spin_for(r.t.go_timing.preface);
  r.wakep();  // go addConnCall.run
  at(Point::kClientBeforePreface);
  r.preface_start = Clock::now();
  const auto failed = r.cc->write([&] { return std::span<const uint8_t>(r.preface); });
  r.preface_end = Clock::now();
  if (failed) {
    if (r.options.alert_grace && is_transport_error(*failed)) {
      return r.done(read_alert_for(r.conn, *r.options.alert_grace, *failed));
    }
    return r.done(*failed);
  }
  at(Point::kClientAfterPreface);
  // The preface went into a connection the server had closed: its RST is back already.
  r.preface_reset = r.conn.reset_by_peer();
  r.read_loop_runnable = Clock::now();
  r.cc->start_read_loop(r.t.go_timing.read_loop, r.t.go_timing.spin);
  return std::nullopt;
}

// [ReserveNewRequest]: the dial goroutine hands the connection to the request's. Go <= 1.23: the
// read loop's cleanup took a connection that closed meanwhile out of the pool first [MarkDead], so
// the request finds none and the Transport dials a new one [ErrNoCachedConn]. Go >= 1.24 leaves a
// never-used connection younger than 5 s in the pool and reservable [idleStateLocked], so the
// request takes it and fails at its stream's ID below (real Go 1.26.8 dialled one connection per
// request in 10,000 of 10,000).
Step reserveNewRequest(Request& r) {
  spin_for(r.t.go_timing.handoff);
  r.wakep();
  if (!r.cc->closed() || !r.options.redial_unusable) return std::nullopt;
  if (explaining()) {
    note("redial", "the connection closed before the request took it [ErrNoCachedConn]");
  }
  return r.redial();
}

// --slow-request-us: a busy wait on the wall clock, where Go's program (clients/go) waits the same
// way in its httptrace GotConn hook, so that both are slowed alike: the diagnostic asks how each
// one's shares answer to a slower request, not how the model's CPU work scales.
void slow_request(std::chrono::microseconds d) {
  if (d.count() <= 0) return;
  const auto end = Clock::now() + d;
  while (Clock::now() < end) {
  }
}

// [awaitOpenSlotForStreamLocked]: the stream gets its ID; a connection closed by then is
// errClientConnUnusable (Go <= 1.23 redials) or errClientConnNotEstablished (Go >= 1.24). Go's
// httptrace GotConn fires just before it [RoundTripOpt: traceGotConn, cc.RoundTrip].
Step awaitOpenSlotForStream(Request& r) {
  slow_request(r.t.slow_request);
  at(Point::kClientConnReserved);
  r.stream_id = Clock::now();
  if (r.cc->open_stream()) return std::nullopt;
  if (r.options.redial_unusable) {
    if (explaining()) {
      note("redial", "the connection closed before the stream got its ID [errClientConnUnusable]");
    }
    return r.redial();
  }
  const Outcome cause = *r.cc->read_error();
  if (r.options.alert_grace && cause.alert >= 0) return r.done(cause);
  if (explaining()) {
    note("stream",
         "gets no ID: the connection is closed, could not be established "
         "[errClientConnNotEstablished]");
  }
  return r.done(no_connection_outcome(cause));
}

// [encodeAndWriteHeaders]: HEADERS, unless the stream was aborted meanwhile; a write error aborts
// the stream with it.
void encodeAndWriteHeaders(Request& r) {
  r.wakep();  // go cs.doRequest
  // When its preface drew the server's RST, Go's request goroutine is slow to its HEADERS
  // (httptrace: GotConn to WroteHeaders 31 us at the median when the write succeeds, 144 us when
  // it fails and the user still sees the alert, a quarter of the requests against a server that
  // reads ahead and 2 % against one that resets first; docs/go-model.md).
  if (r.preface_reset) off_cpu_for(r.t.go_timing.off_cpu);
  spin_for(r.t.go_timing.headers);
  at(Point::kClientBeforeHeaders);
  r.headers_check = Clock::now();
  if (!r.cc->aborted()) {
    r.headers_start = Clock::now();
    if (auto f = r.cc->write([&] { return r.h2.request(); })) r.cc->abort(*f);
  } else if (explaining()) {
    note("headers", "not written: the stream is already aborted [encodeAndWriteHeaders]");
  }
}

// [RoundTrip's wait]: the response or the stream's abort, whichever comes first [abortOnce];
// prefer-alert then waits its grace for the read loop's alert.
Outcome awaitResponse(Request& r) {
  at(Point::kClientBeforeRead);
  Outcome result = r.cc->await();
  if (r.options.alert_grace && is_transport_error(result)) {
    const auto start = Clock::now();
    if (auto alert = r.cc->await_alert(*r.options.alert_grace)) result = *alert;
    // At least 1 us: the histogram counts the iterations that took the grace path.
    result.grace = std::max(std::chrono::microseconds(1),
                            std::chrono::ceil<std::chrono::microseconds>(Clock::now() - start));
  }
  return result;
}

// One attempt of the request on a new connection [RoundTrip, with the dial it waits for].
Attempt roundTrip(const ClientTarget& t, const GoModelOptions& options) {
  Request r(t, options);
  for (Step (*step)(Request&) : {newClientConn, reserveNewRequest, awaitOpenSlotForStream}) {
    if (Step end = step(r)) return std::move(*end);
  }
  encodeAndWriteHeaders(r);
  return r.done(awaitResponse(r));
}

// Go's Transport redials until the request's deadline (the client's timeout); past it the user
// sees a timeout, paired with the last connection's truth.
ClientResult redial_until_done(const ClientTarget& t, const GoModelOptions& options) {
  for (uint32_t redials = 0;; ++redials) {
    Attempt a = roundTrip(t, options);
    if (!a.redial || Clock::now() >= t.deadline) {
      a.result.outcome.redials = redials;
      return a.result;
    }
  }
}

}  // namespace

ClientResult run_go_model(const ClientTarget& t, const GoModelOptions& options) {
  // Go runs a request's goroutines on whichever of its few long-lived threads holds a processor at
  // the time. The model runs each request on its worker's request thread, replaced by a new one
  // after a few requests (clients/request_threads.h says why neither one fixed thread nor a new
  // one per request); the worker's processor serves it. The processor is made first, so it
  // outlives the request threads that use it.
  Processor& worker_processor = processor();
  const Sysmon::Ticking sysmon_ticks(sysmon());  // Go's sysmon runs while a request is in flight
  std::optional<ClientResult> result;
  request_threads().run([&] {
    use_processor(worker_processor);
    const Sysmon::Running running(worker_processor.sysmon());
    result = redial_until_done(t, options);
  });
  return std::move(*result);
}

}  // namespace h2race
