// The go models' sysmon (clients/go_runtime.h) ticks only while its worker has a request in flight
// and one of the worker's threads runs. calibrate runs the model's batches and the real program's
// in turn: a sysmon that went on ticking between the model's batches would take cores from the
// real Go being measured. Within a request it sleeps deep while every thread waits on the network,
// as Go's sysmon does while every P is idle, so that its ticks start again when the request's
// thread resumes, not on a clock of their own (docs/go-model.md). Its ticks
// are counted as the thread's voluntary context switches (each 20 us nanosleep is one), and its
// parking as the futex call it is blocked in, both read from /proc. No timing is asserted: what is
// waited for has a bound only against a hang, and a parked thread does not switch at all.
#include <gtest/gtest.h>
#include <sys/syscall.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "clients/go_runtime.h"
#include "eventually.h"
#include "process_threads.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

// The newest thread of this process named h2race-sysmon.
std::optional<fs::path> sysmon_task() {
  std::optional<fs::path> found;
  for (const auto& thread : process_threads()) {
    if (thread.name == "h2race-sysmon" &&
        (!found || std::stol(thread.task.filename()) > std::stol(found->filename()))) {
      found = thread.task;
    }
  }
  return found;
}

long voluntary_switches(const fs::path& task) {
  std::ifstream status(task / "status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("voluntary_ctxt_switches:", 0) == 0) return std::stol(line.substr(24));
  }
  return -1;
}

// Whether the thread is blocked in the futex system call (/proc gives its number first): parked,
// not ticking.
bool parked(const fs::path& task) {
  std::string number;
  std::ifstream(task / "syscall") >> number;
  return number == std::to_string(SYS_futex);
}

// Waits for cond, up to a bound thousands of times what it needs (a tick is about 70 us).
template <typename F>
bool eventually(F cond) {
  return h2race::eventually(cond, std::chrono::seconds(10), std::chrono::milliseconds(1));
}

TEST(Sysmon, TicksWhileARequestsThreadRunsAndSleepsOtherwise) {
  Sysmon sysmon;
  std::optional<fs::path> task;
  ASSERT_TRUE(eventually([&] { return (task = sysmon_task()).has_value(); }));
  // No request yet: parked in its futex, and a parked thread does not switch at all.
  ASSERT_TRUE(eventually([&] { return parked(*task); })) << "sysmon never parked";
  const long idle = voluntary_switches(*task);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(voluntary_switches(*task), idle) << "sysmon ticked with no request in flight";
  {
    const Sysmon::Ticking request(sysmon);
    const Sysmon::Running thread(sysmon);
    // It ticks: each 20 us nanosleep is a voluntary switch.
    EXPECT_TRUE(eventually([&] { return voluntary_switches(*task) >= idle + 20; }))
        << "sysmon did not tick while a request's thread ran";
    long deep = 0;
    {
      const Sysmon::Waiting waits(sysmon);  // the request's only thread waits
      ASSERT_TRUE(eventually([&] { return parked(*task); }))
          << "sysmon went on ticking while every thread waited";
      deep = voluntary_switches(*task);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      EXPECT_EQ(voluntary_switches(*task), deep) << "sysmon ticked while every thread waited";
    }
    // The thread runs again: so does sysmon.
    EXPECT_TRUE(eventually([&] { return voluntary_switches(*task) >= deep + 20; }))
        << "sysmon did not tick again once the thread ran";
  }
  // The request ended: after its last tick it parks again and stays parked.
  ASSERT_TRUE(eventually([&] { return parked(*task); })) << "sysmon went on ticking";
  const long after = voluntary_switches(*task);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(voluntary_switches(*task), after) << "sysmon ticked after the request ended";
}

}  // namespace
}  // namespace h2race
