#include "core/schedule.h"

#include <fmt/format.h>

#include <charconv>
#include <sstream>
#include <vector>

#include "core/file_error.h"
#include "core/input_file.h"
#include "core/outcome.h"

namespace h2race {

namespace {
constexpr auto kMaxDuration = std::chrono::microseconds(std::chrono::seconds(60));

std::string format_action(const Action& a) {
  switch (a.kind) {
    case Action::Kind::kSleep:
      return "sleep:" + format_duration(a.duration);
    case Action::Kind::kYield:
      return "yield";
    case Action::Kind::kWait:
      return fmt::format("wait:{}{}", point_name(a.target),
                         a.duration == kDefaultWaitBound ? "" : "/" + format_duration(a.duration));
  }
  return "?";
}

struct Token {
  std::string_view text;
  int column;  // 1-based
};

std::vector<Token> split(std::string_view line) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size() || line[i] == '#') break;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    out.push_back({line.substr(start, i - start), static_cast<int>(start) + 1});
  }
  return out;
}

// "<N>us" or "<N>ms"; nullopt when malformed or above the 60 s cap.
std::optional<std::chrono::microseconds> parse_duration(std::string_view s) {
  int64_t scale = 0;
  if (s.ends_with("us")) {
    scale = 1;
  } else if (s.ends_with("ms")) {
    scale = 1000;
  } else {
    return std::nullopt;
  }
  s.remove_suffix(2);
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || n < 0) return std::nullopt;
  if (n > kMaxDuration.count() / scale) return std::nullopt;
  return std::chrono::microseconds(n * scale);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// A failure inside one line: column and message; the caller adds file and line.
struct LineError {
  int column;
  std::string message;
};

std::variant<Action, LineError> parse_wait(const Token& act, Point point) {
  Action a;
  a.kind = Action::Kind::kWait;
  a.duration = kDefaultWaitBound;
  std::string_view target = act.text.substr(5);
  if (const size_t slash = target.find('/'); slash != std::string_view::npos) {
    const auto d = parse_duration(target.substr(slash + 1));
    if (!d || d->count() == 0) {
      return LineError{act.column + 5 + static_cast<int>(slash) + 1,
                       fmt::format("bad wait bound '{}': expected <N>ms or <N>us, 1us..60s",
                                   target.substr(slash + 1))};
    }
    a.duration = *d;
    target = target.substr(0, slash);
  }
  const auto tp = parse_point(target);
  if (!tp) return LineError{act.column + 5, fmt::format("unknown injection point '{}'", target)};
  if (point_thread(*tp) == point_thread(point)) {
    return LineError{act.column + 5,
                     fmt::format("'{}' waits on its own side ('{}'): wait: blocks until another "
                                 "thread (the other peer, or the client's read loop) reaches a "
                                 "point",
                                 point_name(point), target)};
  }
  a.target = *tp;
  return a;
}

std::variant<Action, LineError> parse_action(const Token& act, Point point) {
  if (act.text == "yield") return Action{};
  if (act.text.starts_with("sleep:")) {
    const auto d = parse_duration(act.text.substr(6));
    if (!d) {
      return LineError{act.column + 6,
                       fmt::format("bad duration '{}': expected <N>us or <N>ms, at most 60 s",
                                   act.text.substr(6))};
    }
    return Action{Action::Kind::kSleep, *d, Point::kCount};
  }
  if (act.text.starts_with("wait:")) return parse_wait(act, point);
  return LineError{act.column,
                   fmt::format("unknown action '{}' (sleep:<N>us, yield, wait:<point>)", act.text)};
}

// A comment line (line, "#" first once trimmed) into sched's headers. An `# expect:` class must be
// one h2race reports: a typo there made every replay "stable, but not the expected class".
std::optional<LineError> parse_header(std::string_view line, Schedule& sched) {
  const std::string_view body = trim(trim(line).substr(1));
  if (body.starts_with("scenario:")) sched.scenario_flags = trim(body.substr(9));
  if (!body.starts_with("expect:")) return std::nullopt;
  sched.expect = trim(body.substr(7));
  if (is_class_spelling(sched.expect)) return std::nullopt;
  const int column = static_cast<int>(line.rfind(sched.expect)) + 1;
  return LineError{column, fmt::format("# expect: '{}' is not a class h2race reports (README: "
                                       "\"What the output means\")",
                                       sched.expect)};
}

// One "point action" line into sched; defined_on remembers which line set each point.
std::optional<LineError> parse_line(std::string_view line, int line_no,
                                    std::array<int, kPointCount>& defined_on, Schedule& sched) {
  const auto tokens = split(line);
  if (tokens.empty()) return std::nullopt;
  const auto point = parse_point(tokens[0].text);
  if (!point) {
    return LineError{tokens[0].column, fmt::format("unknown injection point '{}'", tokens[0].text)};
  }
  if (tokens.size() < 2) {
    return LineError{
        tokens[0].column + static_cast<int>(tokens[0].text.size()),
        fmt::format("'{}' has no action (sleep:<N>us, yield, wait:<point>)", tokens[0].text)};
  }
  if (tokens.size() > 2) {
    return LineError{tokens[2].column,
                     fmt::format("unexpected '{}' after the action", tokens[2].text)};
  }
  const size_t idx = static_cast<size_t>(*point);
  if (defined_on[idx] != 0) {
    return LineError{tokens[0].column, fmt::format("'{}' already has an action (line {})",
                                                   tokens[0].text, defined_on[idx])};
  }
  defined_on[idx] = line_no;
  auto action = parse_action(tokens[1], *point);
  if (auto* e = std::get_if<LineError>(&action)) return *e;
  sched.actions[idx] = std::get<Action>(action);
  return std::nullopt;
}

}  // namespace

std::string format_duration(std::chrono::microseconds d) {
  if (d.count() % 1000 == 0 && d.count() != 0) return fmt::format("{}ms", d.count() / 1000);
  return fmt::format("{}us", d.count());
}

bool Schedule::has_waits() const {
  for (const auto& a : actions) {
    if (a && a->kind == Action::Kind::kWait) return true;
  }
  return false;
}

bool Schedule::empty() const {
  for (const auto& a : actions) {
    if (a) return false;
  }
  return true;
}

std::string Schedule::format() const {
  std::string out;
  if (!scenario_flags.empty()) out += "# scenario: " + scenario_flags + "\n";
  if (!expect.empty()) out += "# expect: " + expect + "\n";
  for (size_t i = 0; i < kPointCount; ++i) {
    if (actions[i]) {
      out += fmt::format("{} {}\n", point_name(static_cast<Point>(i)), format_action(*actions[i]));
    }
  }
  return out;
}

std::string ScheduleError::to_string() const {
  if (line == 0) return message;  // the file itself, not its text: the message names it
  return fmt::format("{}:{}:{}: {}", file, line, column, message);
}

std::variant<Schedule, ScheduleError> parse_schedule(std::string_view text, std::string_view file) {
  auto error = [&](int line, int column, std::string msg) {
    return ScheduleError{std::string(file), line, column, std::move(msg)};
  };
  if (text.find('\0') != std::string_view::npos) {
    return error(1, 1, "binary data: a schedule is text, one \"point action\" per line");
  }
  if (trim(text).find_first_not_of("\r\n") == std::string_view::npos) {
    return error(1, 1, "empty schedule file");
  }
  Schedule sched;
  std::array<int, kPointCount> defined_on{};
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).starts_with("#")) {
      if (auto e = parse_header(line, sched))
        return error(line_no, e->column, std::move(e->message));
      continue;
    }
    if (auto e = parse_line(line, line_no, defined_on, sched)) {
      return error(line_no, e->column, std::move(e->message));
    }
  }
  return sched;
}

std::variant<Schedule, ScheduleError> load_schedule(const std::string& path) {
  std::string text;
  try {
    text = read_input_file(path, kMaxScheduleBytes);
  } catch (const FileError& e) {
    return ScheduleError{path, 0, 0, e.what()};
  }
  return parse_schedule(text, path);
}

}  // namespace h2race
