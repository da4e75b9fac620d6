#include "core/inject.h"

#include <fmt/format.h>

#include <bitset>
#include <charconv>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>

namespace h2race {

// ---- names ----------------------------------------------------------------------------------

namespace {
constexpr std::array<std::string_view, kPointCount> kPointNames = {
    "client.connected",     "client.handshake_done", "client.before_preface",
    "client.after_preface", "client.before_headers", "client.before_read",
    "server.accepted",      "server.before_alert",   "server.cert_verified",
    "server.after_alert",   "server.before_close",   "server.after_close"};

constexpr auto kMaxDuration = std::chrono::microseconds(std::chrono::seconds(60));
}  // namespace

std::string_view point_name(Point p) { return kPointNames.at(static_cast<size_t>(p)); }

std::optional<Point> parse_point(std::string_view name) {
  for (size_t i = 0; i < kPointCount; ++i) {
    if (kPointNames[i] == name) return static_cast<Point>(i);
  }
  return std::nullopt;
}

Side point_side(Point p) {
  return static_cast<size_t>(p) < static_cast<size_t>(Point::kServerAccepted) ? Side::kClient
                                                                              : Side::kServer;
}

// ---- text form --------------------------------------------------------------------------------

bool Schedule::empty() const {
  for (const auto& a : actions) {
    if (a) return false;
  }
  return true;
}

namespace {
std::string format_duration(std::chrono::microseconds d) {
  if (d.count() % 1000 == 0 && d.count() != 0) return fmt::format("{}ms", d.count() / 1000);
  return fmt::format("{}us", d.count());
}

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
}  // namespace

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
  return fmt::format("{}:{}:{}: {}", file, line, column, message);
}

namespace {

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

}  // namespace

std::variant<Schedule, ScheduleError> parse_schedule(std::string_view text, std::string_view file) {
  Schedule sched;
  std::array<int, kPointCount> defined_on{};
  int line_no = 0;
  auto error = [&](int column, std::string msg) {
    return ScheduleError{std::string(file), line_no, column, std::move(msg)};
  };
  if (text.find('\0') != std::string_view::npos) {
    line_no = 1;
    return error(1, "binary data: a schedule is text, one \"point action\" per line");
  }
  if (trim(text).find_first_not_of("\r\n") == std::string_view::npos) {
    line_no = 1;
    return error(1, "empty schedule file");
  }
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    const std::string_view t = trim(line);
    if (t.starts_with("#")) {
      const std::string_view body = trim(t.substr(1));
      if (body.starts_with("scenario:")) sched.scenario_flags = trim(body.substr(9));
      if (body.starts_with("expect:")) sched.expect = trim(body.substr(7));
      continue;
    }
    const auto tokens = split(line);
    if (tokens.empty()) continue;

    const auto point = parse_point(tokens[0].text);
    if (!point) {
      return error(tokens[0].column, fmt::format("unknown injection point '{}'", tokens[0].text));
    }
    if (tokens.size() < 2) {
      return error(
          tokens[0].column + static_cast<int>(tokens[0].text.size()),
          fmt::format("'{}' has no action (sleep:<N>us, yield, wait:<point>)", tokens[0].text));
    }
    if (tokens.size() > 2) {
      return error(tokens[2].column,
                   fmt::format("unexpected '{}' after the action", tokens[2].text));
    }
    const size_t idx = static_cast<size_t>(*point);
    if (defined_on[idx] != 0) {
      return error(tokens[0].column, fmt::format("'{}' already has an action (line {})",
                                                 tokens[0].text, defined_on[idx]));
    }
    defined_on[idx] = line_no;

    const Token& act = tokens[1];
    Action a;
    if (act.text == "yield") {
      a.kind = Action::Kind::kYield;
    } else if (act.text.starts_with("sleep:")) {
      a.kind = Action::Kind::kSleep;
      const auto d = parse_duration(act.text.substr(6));
      if (!d) {
        return error(act.column + 6, fmt::format("bad duration '{}': expected <N>us or <N>ms, "
                                                 "at most 60 s",
                                                 act.text.substr(6)));
      }
      a.duration = *d;
    } else if (act.text.starts_with("wait:")) {
      a.kind = Action::Kind::kWait;
      std::string_view target = act.text.substr(5);
      a.duration = kDefaultWaitBound;
      if (const size_t slash = target.find('/'); slash != std::string_view::npos) {
        const auto d = parse_duration(target.substr(slash + 1));
        if (!d || d->count() == 0) {
          return error(act.column + 5 + static_cast<int>(slash) + 1,
                       fmt::format("bad wait bound '{}': expected <N>ms or <N>us, 1us..60s",
                                   target.substr(slash + 1)));
        }
        a.duration = *d;
        target = target.substr(0, slash);
      }
      const auto tp = parse_point(target);
      if (!tp) {
        return error(act.column + 5, fmt::format("unknown injection point '{}'", target));
      }
      if (point_side(*tp) == point_side(*point)) {
        return error(act.column + 5,
                     fmt::format("'{}' waits on its own side ('{}'): wait: blocks until the other "
                                 "peer reaches a point",
                                 tokens[0].text, target));
      }
      a.target = *tp;
    } else {
      return error(act.column,
                   fmt::format("unknown action '{}' (sleep:<N>us, yield, wait:<point>)", act.text));
    }
    sched.actions[idx] = a;
  }
  return sched;
}

std::variant<Schedule, ScheduleError> load_schedule(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ScheduleError{path, 0, 0, "cannot open schedule file"};
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return ScheduleError{path, 0, 0, "cannot read schedule file"};
  return parse_schedule(ss.str(), path);
}

// ---- runtime ----------------------------------------------------------------------------------

class Rendezvous {
 public:
  std::mutex mu;
  std::condition_variable cv;
  std::bitset<kPointCount> reached;
  bool begun[2] = {false, false};
  bool side_ended[2] = {false, false};  // a side that ended can reach no further point
  int ended = 0;
};

namespace detail {
std::atomic<const Schedule*> g_schedule{nullptr};
}  // namespace detail

namespace {

struct Registry {
  std::mutex mu;
  std::unordered_map<ConnKey, std::shared_ptr<Rendezvous>, ConnKeyHash> conns;
  std::atomic<uint64_t> failures{0};
  std::string first_failure;  // guarded by mu
};
// The injection registry: lives exactly as long as the ScheduleScope that installed it.
Registry* g_registry = nullptr;

struct ThreadConn {
  std::shared_ptr<Rendezvous> rv;
  ConnKey key;
  int side = 0;
  bool failed = false;
};
thread_local ThreadConn t_conn;

void record_failure(const std::string& msg) {
  t_conn.failed = true;
  Registry* reg = g_registry;
  if (!reg) return;
  if (reg->failures.fetch_add(1) == 0) {
    std::lock_guard lock(reg->mu);
    reg->first_failure = msg;
  }
}

}  // namespace

ScheduleScope::ScheduleScope(const Schedule& sched) {
  g_registry = new Registry();
  detail::g_schedule.store(&sched);
}

ScheduleScope::~ScheduleScope() {
  detail::g_schedule.store(nullptr);
  delete g_registry;
  g_registry = nullptr;
}

uint64_t ScheduleScope::failures() const { return g_registry->failures.load(); }

std::string ScheduleScope::first_failure() const {
  std::lock_guard lock(g_registry->mu);
  return g_registry->first_failure;
}

void begin_connection(const ConnKey& key, Side side) {
  if (detail::g_schedule.load(std::memory_order_relaxed) == nullptr) return;
  Registry* reg = g_registry;
  const int s = side == Side::kClient ? 0 : 1;
  std::lock_guard lock(reg->mu);
  auto& rv = reg->conns[key];
  // A record from an earlier connection on the same 4-tuple that this side already used is
  // stale (its other peer never showed up): start afresh.
  if (!rv || rv->begun[s]) rv = std::make_shared<Rendezvous>();
  rv->begun[s] = true;
  t_conn = {rv, key, s, false};
}

void end_connection() {
  if (!t_conn.rv) return;
  {
    std::lock_guard lock(t_conn.rv->mu);
    t_conn.rv->side_ended[t_conn.side] = true;
  }
  t_conn.rv->cv.notify_all();
  Registry* reg = g_registry;
  if (reg) {
    std::lock_guard lock(reg->mu);
    auto it = reg->conns.find(t_conn.key);
    if (it != reg->conns.end() && it->second == t_conn.rv && ++t_conn.rv->ended == 2) {
      reg->conns.erase(it);
    }
  }
  t_conn.rv.reset();
}

bool connection_failed() { return t_conn.failed; }

namespace detail {

void reach(Point p) {
  const Schedule* sched = g_schedule.load(std::memory_order_acquire);
  if (!sched) return;
  Rendezvous* rv = t_conn.rv.get();
  if (rv) {
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
    case Action::Kind::kSleep:
      std::this_thread::sleep_for(action->duration);
      return;
    case Action::Kind::kWait: {
      const std::string what = fmt::format("{} wait:{}", point_name(p), point_name(action->target));
      if (!rv) {
        record_failure(what + ": reached outside a connection");
        return;
      }
      const int other = 1 - t_conn.side;
      std::unique_lock lock(rv->mu);
      rv->cv.wait_for(lock, action->duration, [&] {
        return rv->reached.test(static_cast<size_t>(action->target)) || rv->side_ended[other];
      });
      if (rv->reached.test(static_cast<size_t>(action->target))) return;
      if (rv->side_ended[other]) {
        record_failure(fmt::format("{}: the other peer finished without reaching {}", what,
                                   point_name(action->target)));
      } else {
        record_failure(fmt::format("{}: the other peer did not reach {} within {}", what,
                                   point_name(action->target), format_duration(action->duration)));
      }
      return;
    }
  }
}

}  // namespace detail
}  // namespace h2race
