// The injection runtime: a peer calls at(point) at each injection point (core/points.h); while a
// ScheduleScope is installed, the point is marked reached for the other peer of the same
// connection and the schedule's action for it runs. With no schedule installed, at() costs one
// predictable branch on a global pointer. The installed registry is global because every peer
// thread must find it without being handed it; the design allows that one, and the process's
// other mutable globals are the client-kind table (grown by --client-def) and the interrupt flag.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/points.h"
#include "core/schedule.h"
#include "core/timeline.h"
#include "core/truth_table.h"

namespace h2race {

class Rendezvous;
struct InjectionRegistry;

// Installs sched for the lifetime of this object (one at a time per process). No sleep or wait
// lasts longer than bound (the iteration's --timeout-ms; one cut short is a failure), and each
// ends early when a signal arrives (core/interrupt.h), so a schedule cannot hold a run past
// its timeout or past Ctrl-C. With record_timelines (`--explain`), every point reached and every
// note() is also recorded in its connection's timeline, which take_timeline() hands over once
// both peers are done, or once the client is, with TimelineSides::kClientOnly (`probe`: the server
// is someone else's, so no server side will ever end the connection here).
enum class TimelineSides { kBoth, kClientOnly };
class ScheduleScope {
 public:
  explicit ScheduleScope(const Schedule& sched,
                         std::chrono::milliseconds bound = std::chrono::hours(1),
                         bool record_timelines = false, TimelineSides sides = TimelineSides::kBoth);
  ~ScheduleScope();
  ScheduleScope(const ScheduleScope&) = delete;
  ScheduleScope& operator=(const ScheduleScope&) = delete;
  // Wait bounds that expired, and how many; for the run's report.
  uint64_t failures() const;
  std::string first_failure() const;

 private:
  std::shared_ptr<InjectionRegistry> reg_;
};

// The scope a run installs, the one place that decides it: the run's schedule, or, for
// `--explain` alone, an empty schedule that only records (every point passes at once); none
// when neither is asked for. Declare it before the run's server, so the server's threads are
// gone before the recording stops.
class RecordingScope {
 public:
  RecordingScope(const Schedule* schedule, bool explain, std::chrono::milliseconds bound,
                 TimelineSides sides = TimelineSides::kBoth);
  // Waits that expired (0 without a schedule), and the first one's text.
  uint64_t failures() const { return scope_ ? scope_->failures() : 0; }
  std::string first_failure() const { return scope_ ? scope_->first_failure() : ""; }

 private:
  std::optional<ScheduleScope> scope_;
};

// A peer calls this once it knows its connection's 4-tuple; until end_connection() the points
// this thread reaches belong to that connection.
void begin_connection(const ConnKey& key, Side side);
void end_connection();
// A second thread of the same peer (the `go` model's read loop) joins the connection the
// calling thread began, so its points count for that connection; leave_connection() undoes it.
struct ConnectionHandle {
  std::shared_ptr<Rendezvous> rv;
  std::shared_ptr<InjectionRegistry> reg;
  ConnKey key;
  int side = 0;
};
ConnectionHandle current_connection();
void join_connection(const ConnectionHandle& handle);
void leave_connection();
// Failures seen on this thread's current connection so far (for the driver's per-iteration check).
bool connection_failed();

// The timeline of the connection with this 4-tuple, once both peers ended it (at most `wait`);
// empty when timelines are not recorded or it did not finish in time.
Timeline take_timeline(const ConnKey& key, std::chrono::milliseconds wait);
// Drops what was recorded of the connection with this 4-tuple. For a connection whose client is
// another process (`calibrate --explain`'s real program): its client never ends it here, so the
// server's half would stay, and a later connection on the same 4-tuple would join it.
void forget_connection(const ConnKey& key);

namespace detail {
extern std::atomic<const Schedule*> g_schedule;
extern std::atomic<bool> g_timelines;
void reach(Point p);
void note(std::string_view event, std::string detail);
}  // namespace detail

// Whether timelines are recorded: callers build a note's text only then.
inline bool explaining() { return detail::g_timelines.load(std::memory_order_relaxed); }
// Whether the installed schedule orders threads (has a wait): a model that would otherwise run
// two of its activities on one thread must give each its own, or a wait could block both.
inline bool ordering_threads() {
  const Schedule* s = detail::g_schedule.load(std::memory_order_relaxed);
  return s != nullptr && s->has_waits();
}
// Records what this thread's peer did on its connection (a write, a read, a close).
inline void note(std::string_view event, std::string detail) {
  if (explaining()) [[unlikely]] {
    detail::note(event, std::move(detail));
  }
}

// The injection point. Marks p reached for the other peer, then performs p's action.
inline void at(Point p) {
  if (detail::g_schedule.load(std::memory_order_relaxed) == nullptr) [[likely]] {
    return;
  }
  detail::reach(p);
}

}  // namespace h2race
