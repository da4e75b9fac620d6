#include "core/inject.h"

#include <fmt/format.h>

#include <algorithm>
#include <bitset>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/clock.h"
#include "core/interrupt.h"

namespace h2race {

class Rendezvous {
 public:
  std::mutex mu;
  std::condition_variable cv;
  std::bitset<kPointCount> reached;
  bool begun[2] = {false, false};
  bool side_ended[2] = {false, false};  // a side that ended can reach no further point
  int ended = 0;
  // --explain: (time, side, event, detail), in the order recorded.
  std::vector<std::pair<Clock::time_point, TimelineEvent>> events;
};

namespace detail {
std::atomic<const Schedule*> g_schedule{nullptr};
std::atomic<bool> g_timelines{false};
}  // namespace detail

namespace {

// Finished timelines not taken (connections the driver does not ask about, e.g. those a Go
// model dropped before redialling) are dropped beyond this many.
constexpr size_t kMaxFinishedTimelines = 4096;

}  // namespace

// What a ScheduleScope installs. Shared: the scope, and every connection begun under it, hold
// it, so a thread still inside such a connection (a server thread that accepted it late, a read
// loop) keeps using its own scope's schedule and counters after the scope is gone or a later
// scope is installed, instead of memory another thread freed.
struct InjectionRegistry {
  Schedule schedule;  // a copy: the scope's caller may free its own once the scope is gone
  std::mutex mu;
  std::unordered_map<ConnKey, std::shared_ptr<Rendezvous>, ConnKeyHash> conns;
  std::atomic<uint64_t> failures{0};
  std::string first_failure;  // guarded by mu
  bool timelines = false;
  int sides = 2;  // how many peers end a connection in this process
  std::condition_variable finished_cv;
  std::unordered_map<ConnKey, Timeline, ConnKeyHash> finished;  // guarded by mu
  std::chrono::milliseconds bound{0};
};
using Registry = InjectionRegistry;

namespace {

// Times relative to the first event, sorted (two threads append under one lock, so the order
// is already that of the clock but for ties).
Timeline to_timeline(std::vector<std::pair<Clock::time_point, TimelineEvent>> events) {
  std::stable_sort(events.begin(), events.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Timeline out;
  for (auto& [at, e] : events) {
    e.t_us =
        std::chrono::duration_cast<std::chrono::microseconds>(at - events.front().first).count();
    out.push_back(std::move(e));
  }
  return out;
}
// The injection registry of the installed ScheduleScope, if any.
std::atomic<std::shared_ptr<Registry>> g_registry;

struct ThreadConn {
  std::shared_ptr<Rendezvous> rv;
  std::shared_ptr<Registry> reg;  // the registry the connection began under
  ConnKey key;
  int side = 0;
  bool failed = false;
};
thread_local ThreadConn t_conn;

// The registry this thread's points belong to: its connection's, else the installed one's.
std::shared_ptr<Registry> registry() { return t_conn.reg ? t_conn.reg : g_registry.load(); }

void record_failure(const std::string& msg) {
  t_conn.failed = true;
  const std::shared_ptr<Registry> reg = registry();
  if (!reg) return;
  if (reg->failures.fetch_add(1) == 0) {
    std::lock_guard lock(reg->mu);
    reg->first_failure = msg;
  }
}

}  // namespace

ScheduleScope::ScheduleScope(const Schedule& sched, std::chrono::milliseconds bound,
                             bool record_timelines, TimelineSides sides)
    : reg_(std::make_shared<Registry>()) {
  reg_->schedule = sched;
  reg_->sides = sides == TimelineSides::kBoth ? 2 : 1;
  reg_->bound = bound;
  reg_->timelines = record_timelines;
  g_registry.store(reg_);
  detail::g_timelines.store(record_timelines);
  detail::g_schedule.store(&reg_->schedule);
}

ScheduleScope::~ScheduleScope() {
  detail::g_schedule.store(nullptr);
  detail::g_timelines.store(false);
  g_registry.store(nullptr);
}

RecordingScope::RecordingScope(const Schedule* schedule, bool explain,
                               std::chrono::milliseconds bound, TimelineSides sides) {
  static const Schedule kNoActions;
  if (schedule || explain) scope_.emplace(schedule ? *schedule : kNoActions, bound, explain, sides);
}

Timeline take_timeline(const ConnKey& key, std::chrono::milliseconds wait) {
  const std::shared_ptr<Registry> reg = g_registry.load();
  if (!reg || !reg->timelines) return {};
  std::unique_lock lock(reg->mu);
  reg->finished_cv.wait_for(lock, wait, [&] { return reg->finished.count(key) > 0; });
  auto it = reg->finished.find(key);
  if (it == reg->finished.end()) return {};
  Timeline t = std::move(it->second);
  reg->finished.erase(it);
  return t;
}

void forget_connection(const ConnKey& key) {
  const std::shared_ptr<Registry> reg = g_registry.load();
  if (!reg) return;
  std::lock_guard lock(reg->mu);
  // A peer still inside the connection keeps its Rendezvous alive; its end_connection() then
  // finds no entry and records nothing.
  reg->conns.erase(key);
  reg->finished.erase(key);
}

uint64_t ScheduleScope::failures() const { return reg_->failures.load(); }

std::string ScheduleScope::first_failure() const {
  std::lock_guard lock(reg_->mu);
  return reg_->first_failure;
}

void begin_connection(const ConnKey& key, Side side) {
  if (detail::g_schedule.load(std::memory_order_relaxed) == nullptr) return;
  std::shared_ptr<Registry> reg = g_registry.load();
  if (!reg) return;  // the scope went away since the check above
  const int s = side == Side::kClient ? 0 : 1;
  std::lock_guard lock(reg->mu);
  // A finished timeline still stored under this 4-tuple is an earlier connection's (one the
  // driver did not wait for): it must not pass for this one's.
  reg->finished.erase(key);
  auto& rv = reg->conns[key];
  // A record from an earlier connection on the same 4-tuple that this side already used is
  // stale (its other peer never showed up): start afresh.
  if (!rv || rv->begun[s]) rv = std::make_shared<Rendezvous>();
  rv->begun[s] = true;
  t_conn = {rv, std::move(reg), key, s, false};
}

void end_connection() {
  if (!t_conn.rv) return;
  {
    std::lock_guard lock(t_conn.rv->mu);
    t_conn.rv->side_ended[t_conn.side] = true;
  }
  t_conn.rv->cv.notify_all();
  if (const std::shared_ptr<Registry> reg = t_conn.reg) {
    std::lock_guard lock(reg->mu);
    auto it = reg->conns.find(t_conn.key);
    if (it != reg->conns.end() && it->second == t_conn.rv && ++t_conn.rv->ended == reg->sides) {
      if (reg->timelines) {
        if (reg->finished.size() >= kMaxFinishedTimelines) reg->finished.clear();
        std::lock_guard rv_lock(t_conn.rv->mu);
        reg->finished[t_conn.key] = to_timeline(std::move(t_conn.rv->events));
        reg->finished_cv.notify_all();
      }
      reg->conns.erase(it);
    }
  }
  t_conn.rv.reset();
  t_conn.reg.reset();
}

bool connection_failed() { return t_conn.failed; }

ConnectionHandle current_connection() { return {t_conn.rv, t_conn.reg, t_conn.key, t_conn.side}; }

void join_connection(const ConnectionHandle& handle) {
  if (!handle.rv) return;
  t_conn = {handle.rv, handle.reg, handle.key, handle.side, false};
}

void leave_connection() { t_conn = ThreadConn{}; }

namespace detail {
namespace {
// How often a sleep or wait looks for a signal: short against any human's patience, long
// against the cost of waking.
constexpr auto kSignalPoll = std::chrono::milliseconds(10);
}  // namespace

void note(std::string_view event, std::string detail) {
  Rendezvous* rv = t_conn.rv.get();
  if (!rv) return;
  const auto now = Clock::now();
  std::lock_guard lock(rv->mu);
  rv->events.push_back({now,
                        {0, t_conn.side == 0 ? Side::kClient : Side::kServer, std::string(event),
                         std::move(detail)}});
}

void reach(Point p) {
  // Held to the end: the action below is read after a sleep or a wait, when the scope that
  // installed the schedule may be gone.
  const std::shared_ptr<Registry> reg = registry();
  if (!reg) return;
  const Schedule* sched = &reg->schedule;
  Rendezvous* rv = t_conn.rv.get();
  if (rv) {
    // Recorded before the other peer can learn of it, so a point it waited for comes first.
    if (g_timelines.load(std::memory_order_relaxed)) note(point_name(p), "");
    {
      std::lock_guard lock(rv->mu);
      rv->reached.set(static_cast<size_t>(p));
    }
    rv->cv.notify_all();
  }
  const auto& action = sched->actions[static_cast<size_t>(p)];
  if (!action) return;
  switch (action->kind) {
    case Action::Kind::kYield:
      std::this_thread::yield();
      return;
    case Action::Kind::kSleep: {
      const auto bound = reg->bound;
      const auto until =
          Clock::now() + std::min<std::chrono::microseconds>(action->duration, bound);
      while (!interrupted() && Clock::now() < until) {
        std::this_thread::sleep_for(std::min<Clock::duration>(kSignalPoll, until - Clock::now()));
      }
      if (action->duration > bound && !interrupted()) {
        record_failure(fmt::format("{} sleep:{}: longer than the iteration's bound of {} ms",
                                   point_name(p), format_duration(action->duration),
                                   bound.count()));
      }
      return;
    }
    case Action::Kind::kWait: {
      const std::string what = fmt::format("{} wait:{}", point_name(p), point_name(action->target));
      if (!rv) {
        record_failure(what + ": reached outside a connection");
        return;
      }
      // The peer whose thread the target runs on (the own side for the read loop's points).
      const int other = point_side(action->target) == Side::kClient ? 0 : 1;
      const auto bound = reg->bound;
      const auto limit = std::min<std::chrono::microseconds>(action->duration, bound);
      const auto until = Clock::now() + limit;
      std::unique_lock lock(rv->mu);
      // In slices, so a signal ends the wait too (a handler cannot notify a condition variable).
      while (!rv->cv.wait_until(lock, std::min(until, Clock::now() + kSignalPoll), [&] {
        return rv->reached.test(static_cast<size_t>(action->target)) || rv->side_ended[other];
      })) {
        if (interrupted() || Clock::now() >= until) break;
      }
      // A signal cut the wait short: the run is partial anyway, and nothing failed to happen.
      if (rv->reached.test(static_cast<size_t>(action->target)) || interrupted()) return;
      if (rv->side_ended[other]) {
        record_failure(fmt::format("{}: the other peer finished without reaching {}", what,
                                   point_name(action->target)));
      } else {
        record_failure(fmt::format("{}: the other peer did not reach {} within {}", what,
                                   point_name(action->target), format_duration(limit)));
      }
      return;
    }
  }
}

}  // namespace detail
}  // namespace h2race
