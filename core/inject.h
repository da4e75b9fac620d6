// Injection points and schedules. A point is a named place in a peer (DESIGN.md: `side.point`);
// a schedule gives some points an action: sleep, yield, or wait until the *other* peer reached a
// given point on the same connection. With no schedule installed, at() costs one predictable
// branch on a global pointer: the injection registry is the one global mutable state allowed.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/truth_table.h"

namespace h2race {

enum class Point : uint8_t {
  kClientConnected,
  kClientHandshakeDone,
  kClientBeforePreface,
  kClientAfterPreface,
  kClientBeforeHeaders,
  kClientBeforeRead,
  kServerAccepted,
  kServerBeforeAlert,
  kServerCertVerified,
  kServerAfterAlert,
  kServerBeforeClose,
  kServerAfterClose,
  kCount
};
inline constexpr size_t kPointCount = static_cast<size_t>(Point::kCount);

std::string_view point_name(Point p);
std::optional<Point> parse_point(std::string_view name);
Side point_side(Point p);

struct Action {
  enum class Kind : uint8_t { kSleep, kYield, kWait };
  Kind kind = Kind::kYield;
  std::chrono::microseconds duration{0};  // sleep length, or the bound of a wait
  Point target = Point::kCount;           // the other side's point a wait blocks on
};

inline constexpr std::chrono::microseconds kDefaultWaitBound = std::chrono::seconds(1);

struct Schedule {
  std::array<std::optional<Action>, kPointCount> actions;
  // Scenario flags from a "# scenario: ..." header line, for replay.
  std::string scenario_flags;
  // Class the schedule is meant to produce, from a "# expect: CLASS" header line.
  std::string expect;

  bool empty() const;
  // The text form: header lines, then one "point action" per line; parse(format(s)) == s.
  std::string format() const;
};

struct ScheduleError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
  std::string to_string() const;  // "file:line:column: message"
};

std::variant<Schedule, ScheduleError> parse_schedule(std::string_view text, std::string_view file);
// Reads and parses a file; a missing, unreadable, empty or binary file is a ScheduleError too.
std::variant<Schedule, ScheduleError> load_schedule(const std::string& path);

// ---- runtime --------------------------------------------------------------------------------

// What a wait that ran out of time, or other misuse at run time, looked like.
struct ScheduleFailure {
  std::string message;
};

// Shared by the two peers of one connection, found by its 4-tuple.
class Rendezvous;

// Installs sched for the lifetime of this object (one at a time per process).
class ScheduleScope {
 public:
  explicit ScheduleScope(const Schedule& sched);
  ~ScheduleScope();
  ScheduleScope(const ScheduleScope&) = delete;
  ScheduleScope& operator=(const ScheduleScope&) = delete;
  // Wait bounds that expired, and how many; for the run's report.
  uint64_t failures() const;
  std::string first_failure() const;
};

// A peer calls this once it knows its connection's 4-tuple; until end_connection() the points
// this thread reaches belong to that connection.
void begin_connection(const ConnKey& key, Side side);
void end_connection();
// Failures seen on this thread's current connection so far (for the driver's per-iteration check).
bool connection_failed();

namespace detail {
extern std::atomic<const Schedule*> g_schedule;
void reach(Point p);
}  // namespace detail

// The injection point. Marks p reached for the other peer, then performs p's action.
inline void at(Point p) {
  if (detail::g_schedule.load(std::memory_order_relaxed) == nullptr) [[likely]] {
    return;
  }
  detail::reach(p);
}

}  // namespace h2race
