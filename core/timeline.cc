#include "core/timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "core/printable.h"

namespace h2race {

namespace {
constexpr int kColumn = 44;  // width of the client's column

std::string cell(const TimelineEvent& e) {
  return e.detail.empty() ? e.event : e.event + " " + e.detail;
}
}  // namespace

std::string format_timeline(const Timeline& events) {
  std::string out = fmt::format("{:>8}  {:<{}}  {}\n", "t_us", "client", kColumn, "server");
  for (const auto& e : events) {
    if (e.side == Side::kClient) {
      out += fmt::format("{:>8}  {}\n", e.t_us, cell(e));
    } else {
      out += fmt::format("{:>8}  {:<{}}  {}\n", e.t_us, "", kColumn, cell(e));
    }
  }
  return out;
}

std::string format_examples(const Examples& examples, const std::vector<std::string>& order) {
  std::string out;
  auto add = [&](const std::string& cls, const Example& ex) {
    out += fmt::format("\n{}: iteration {}, {}\n", cls, ex.iteration, ex.key);
    out += format_timeline(ex.events);
  };
  for (const std::string& cls : order) {
    if (auto it = examples.find(cls); it != examples.end()) add(cls, it->second);
  }
  for (const auto& [cls, ex] : examples) {
    if (std::find(order.begin(), order.end(), cls) == order.end()) add(cls, ex);
  }
  return out;
}

nlohmann::json to_json(const Examples& examples) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [cls, ex] : examples) {
    nlohmann::json events = nlohmann::json::array();
    for (const auto& e : ex.events) {
      events.push_back({{"t_us", e.t_us},
                        {"side", e.side == Side::kClient ? "client" : "server"},
                        {"event", e.event},
                        {"detail", e.detail}});
    }
    j[cls] = {{"key", ex.key}, {"iteration", ex.iteration}, {"events", events}};
  }
  return j;
}

Examples examples_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("examples: not an object");
  Examples out;
  for (const auto& [cls, ex] : j.items()) {
    if (cls != printable(cls)) throw std::invalid_argument("examples: a class that is not text");
    const std::string where = "examples." + cls;
    if (!ex.is_object() || !ex.contains("events") || !ex["events"].is_array()) {
      throw std::invalid_argument(where + ".events: missing or not an array");
    }
    Example e;
    if (ex.contains("key") && ex["key"].is_string())
      e.key = printable(ex["key"].get<std::string>(), kMaxExampleBytes);
    if (ex.contains("iteration") && ex["iteration"].is_number_unsigned()) {
      e.iteration = ex["iteration"].get<uint64_t>();
    }
    for (const auto& ev : ex["events"]) {
      if (!ev.is_object() || !ev.contains("t_us") || !ev["t_us"].is_number_integer() ||
          !ev.contains("side") || !ev.contains("event") || !ev["event"].is_string()) {
        throw std::invalid_argument(where + ".events[]: needs t_us, side and event");
      }
      const std::string side = ev["side"].is_string() ? ev["side"].get<std::string>() : "";
      if (side != "client" && side != "server") {
        throw std::invalid_argument(where + ".events[].side: not client or server");
      }
      TimelineEvent te;
      te.t_us = ev["t_us"].get<int64_t>();
      te.side = side == "client" ? Side::kClient : Side::kServer;
      te.event = printable(ev["event"].get<std::string>(), kMaxExampleBytes);
      if (ev.contains("detail") && ev["detail"].is_string()) {
        te.detail = printable(ev["detail"].get<std::string>(), kMaxExampleBytes);
      }
      e.events.push_back(std::move(te));
    }
    out.emplace(cls, std::move(e));
  }
  return out;
}

}  // namespace h2race
