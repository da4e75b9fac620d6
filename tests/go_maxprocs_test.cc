// The go models run as many processors as Go would in the same process (clients/go_runtime.h):
// Go's GOMAXPROCS rule, and with one processor nothing steals the read loop, so no connection is
// closed before its stream got an ID: the model then never reports h2:no_connection (`go`) and
// never redials (`go1.19`), as Go on one CPU nearly never does (docs/go-model.md, "One core").
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "clients/go_runtime.h"
#include "shell_command.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

TEST(GoMaxprocs, FollowsGosRule) {
  EXPECT_EQ(go_maxprocs_for(nullptr, 2), 2);  // unset: the CPUs the process may use
  EXPECT_EQ(go_maxprocs_for(nullptr, 1), 1);
  EXPECT_EQ(go_maxprocs_for("1", 2), 1);  // the environment's, fewer or more than the CPUs
  EXPECT_EQ(go_maxprocs_for("8", 2), 8);
  for (const char* ignored : {"", "0", "-1", "2x", " 2", "+2", "99999999999"}) {
    EXPECT_EQ(go_maxprocs_for(ignored, 2), 2) << "GOMAXPROCS=\"" << ignored << "\"";
  }
}

// Runs `h2race run` with GOMAXPROCS=1 and returns its JSON.
nlohmann::json run_on_one_processor(const std::string& client) {
  const fs::path json =
      fs::temp_directory_path() / ("h2race_maxprocs_" + client + std::to_string(getpid()));
  const ShellResult r = shell("GOMAXPROCS=1 " + std::string(H2RACE_BIN) +
                              " run -q -n 300 --client " + client + " --json " + json.string());
  EXPECT_EQ(r.code, 0) << r.output;
  std::ifstream in(json);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  fs::remove(json);
  return j;
}

int count_of(const nlohmann::json& run, const std::string& cls) {
  for (const auto& c : run["classes"]) {
    if (c["class"] == cls) return c["count"].get<int>();
  }
  return 0;
}

TEST(GoMaxprocs, OneProcessorNeverClosesTheConnectionBeforeItsStream) {
  const nlohmann::json go = run_on_one_processor("go");
  ASSERT_TRUE(go.is_object());
  EXPECT_EQ(go["env"]["go_maxprocs"], 1) << go["env"].dump();
  EXPECT_EQ(go["iterations"], 300);
  EXPECT_EQ(count_of(go, "h2:no_connection"), 0) << go.dump();

  const nlohmann::json go119 = run_on_one_processor("go1.19");
  ASSERT_TRUE(go119.is_object());
  EXPECT_EQ(go119["env"]["go_maxprocs"], 1);
  EXPECT_EQ(go119["iterations"], 300);
  EXPECT_FALSE(go119.contains("redials")) << go119["redials"].dump();  // only there when some
}

// The rule behind the test above, without a race: with one processor no thread runs a read loop
// beside its request, not even the one woken for a read loop that its request then dropped
// (GoConn: a stream aborted before it waited releases its read loop, and the connection's end
// drops it if the thread has not run it yet). Until 2026-12-07 that thread went on looking and
// stole the next connection's read loop after its back-off: go1.19 redialled once in 300 in CI.
TEST(GoMaxprocs, OneProcessorsThreadNeverStealsTheNextConnectionsReadLoop) {
  Sysmon sysmon;
  Processor one(sysmon, /*processors=*/1);
  for (int round = 0; round < 20; ++round) {
    one.post([] {}, Clock::now(), std::chrono::microseconds(0), /*always=*/false);
    one.release();  // wakes the thread to run it; a wake-up takes tens of microseconds...
    one.drop();     // ...so the connection's end nearly always drops it first
    std::atomic<bool> stolen{false};
    one.post([&] { stolen = true; }, Clock::now(), std::chrono::microseconds(0), false);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the back-off is ~0.1 ms
    const bool left_for_the_writer = one.take().has_value();
    one.wait_idle();  // a stolen one has ended before `stolen` goes
    ASSERT_TRUE(left_for_the_writer) << "round " << round << ": the thread stole it";
    EXPECT_FALSE(stolen);
  }
}

TEST(GoMaxprocs, MoreProcessorsThanTheModelRunsIsSaidBeforeTheRun) {
  const ShellResult r =
      shell("GOMAXPROCS=3 " + std::string(H2RACE_BIN) + " run -q -n 2 --client go");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("note: Go would run 3 processors here (GOMAXPROCS)"), std::string::npos)
      << r.output;
  // Two is what the model runs: nothing to say.
  const ShellResult two =
      shell("GOMAXPROCS=2 " + std::string(H2RACE_BIN) + " run -q -n 2 --client go");
  EXPECT_EQ(two.output.find("processors here"), std::string::npos) << two.output;
}

}  // namespace
}  // namespace h2race
