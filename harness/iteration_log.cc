#include "harness/iteration_log.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace h2race {

IterationLog::IterationLog(const std::string& path)
    : path_(path), file_(std::fopen(path.c_str(), "we")) {
  if (!file_) throw std::runtime_error(fmt::format("{}: {}", path, std::strerror(errno)));
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
  if (e.steps_us && !e.steps_us->empty()) {
    auto& steps = j["steps_us"] = nlohmann::ordered_json::object();
    for (const auto& [name, us] : *e.steps_us) steps[std::string(name)] = us;
  }
  if (e.window) {
    const RaceWindow& w = *e.window;
    j["window"] = {{"start_ns", w.start_ns}, {"end_ns", w.end_ns}, {"tid", w.tid}};
  }
  const std::string line = j.dump() + "\n";
  std::lock_guard lock(mu_);
  if (!file_ || error_ != 0) return;
  errno = 0;
  if (std::fwrite(line.data(), 1, line.size(), file_.get()) != line.size()) {
    error_ = errno != 0 ? errno : EIO;
  }
}

void IterationLog::finish() {
  std::lock_guard lock(mu_);
  if (!file_) return;
  errno = 0;
  if (std::fflush(file_.get()) != 0 && error_ == 0) error_ = errno != 0 ? errno : EIO;
  if (std::fclose(file_.release()) != 0 && error_ == 0) error_ = errno != 0 ? errno : EIO;
  if (error_ != 0) {
    throw std::runtime_error(fmt::format("cannot write {}: {}", path_, std::strerror(error_)));
  }
}

}  // namespace h2race
