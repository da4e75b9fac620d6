// `--explain`: what both peers did on one connection, on one clock (same process, so the two
// sides compare to the microsecond), and the first such timeline of every class.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/points.h"

namespace h2race {

struct TimelineEvent {
  int64_t t_us = 0;  // since the connection's first event
  Side side = Side::kClient;
  std::string event;   // an injection point's name, or what happened: "write", "read", "close"
  std::string detail;  // bytes, result, what was unread
};
using Timeline = std::vector<TimelineEvent>;

// The first connection of a class: which one, and its timeline.
struct Example {
  std::string key;  // "127.0.0.2:40312 -> 127.0.0.1:8443"
  uint64_t iteration = 0;
  Timeline events;
  std::vector<std::string> keylog;  // --pcap: the connection's TLS key log lines (not in JSON)
};
using Examples = std::map<std::string, Example>;  // by class

// Two columns (client | server) under the time since the first event, one event per line.
std::string format_timeline(const Timeline& events);

// Every example: a heading per class, then its timeline; the classes named in `order` first, in
// that order (the table's), then the others.
std::string format_examples(const Examples& examples, const std::vector<std::string>& order = {});

nlohmann::json to_json(const Examples& examples);
// Throws std::invalid_argument naming the field.
Examples examples_from_json(const nlohmann::json& j);

}  // namespace h2race
