// Schedules (docs/schedules-and-fuzzing.md): per injection point an action — sleep, yield, or wait
// until the *other* peer reached a given point on the same connection. Text form, one per line:
//   client.before_preface wait:server.after_close
// with optional header lines "# scenario: FLAGS" and "# expect: CLASS" for `h2race replay`.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/points.h"

namespace h2race {

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
  // Whether some point waits for another: the schedule orders the peers' threads.
  bool has_waits() const;
  // The text form: header lines, then one "point action" per line; parse(format(s)) == s.
  std::string format() const;
};

struct ScheduleError {
  std::string file;
  int line = 0;  // 0: the file could not be read; message says why and names it
  int column = 0;
  std::string message;
  std::string to_string() const;  // "file:line:column: message"
};

std::variant<Schedule, ScheduleError> parse_schedule(std::string_view text, std::string_view file);
// Reads and parses a file; a missing, unreadable, empty or binary file is a ScheduleError too.
std::variant<Schedule, ScheduleError> load_schedule(const std::string& path);

// "250us", "3ms": how a schedule writes a duration.
std::string format_duration(std::chrono::microseconds d);

}  // namespace h2race
