#include "harness/iteration_log.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace h2race {

IterationLog::IterationLog(const std::string& path) {
  out_.open(path, std::ios::out | std::ios::trunc);
  if (!out_) throw std::runtime_error(fmt::format("{}: {}", path, std::strerror(errno)));
}

void IterationLog::add(const LogPlace& place, const LogEntry& e) {
  nlohmann::ordered_json j;
  j["client"] = place.client;
  if (place.batch >= 0) j["batch"] = place.batch;
  j["iteration"] = place.first + e.iteration;
  j["worker"] = e.worker;
  j["in_batch"] = e.in_batch;
  j["class"] = e.cls;
  j["truth"] = e.truth;
  j["t_ms"] = std::chrono::duration<double, std::milli>(Clock::now() - start_).count();
  const std::string line = j.dump() + "\n";
  std::lock_guard lock(mu_);
  out_ << line;
}

}  // namespace h2race
