#include "cli/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "cli/user_files.h"

namespace h2race::cli {

Progress::Progress(const std::atomic<uint64_t>& done, uint64_t total) : done_(done), total_(total) {
  if (isatty(STDERR_FILENO)) thread_ = std::thread([this] { loop(); });
}

Progress::~Progress() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    print_stderr("\r\033[K");
  }
}

void Progress::loop() {
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; })) {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const uint64_t d = done_.load();
    print_stderr(fmt::format("\r{}/{} iterations  {:.0f} it/s", d, total_,
                             secs > 0 ? static_cast<double>(d) / secs : 0.0));
  }
}

}  // namespace h2race::cli
