// libFuzzer target: any bytes through the schedule parser. It must return a schedule or an error
// (never crash or hang), and a schedule must survive format() -> parse() unchanged.
#include <cstdlib>
#include <string_view>
#include <variant>

#include "core/inject.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace h2race;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_schedule(text, "fuzz");
  if (auto* err = std::get_if<ScheduleError>(&parsed)) {
    if (err->line < 1 || err->column < 1 || err->message.empty()) std::abort();
    return 0;
  }
  const Schedule& s = std::get<Schedule>(parsed);
  const std::string once = s.format();
  if (once.empty()) return 0;  // comments only: nothing to round-trip
  auto again = parse_schedule(once, "fuzz-format");
  if (!std::holds_alternative<Schedule>(again) || std::get<Schedule>(again).format() != once) {
    std::abort();
  }
  return 0;
}
