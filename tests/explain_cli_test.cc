// --explain beyond run and replay: `probe` (the client's side only, against a server in another
// process) and the refusals (an external client, calibrate --fit). calibrate --explain itself
// runs the real Go program, so it is with the other calibrate tests in external_peers_test.cc.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>

#include "serve_process.h"
#include "shell_command.h"

namespace {

namespace fs = std::filesystem;
using h2race::expect_usage_error;
using h2race::h2race;
using h2race::ShellResult;
using h2race::testing::ServeProcess;

TEST(ExplainCli, ProbeShowsTheClientsSideOnly) {
  const fs::path dir = fs::temp_directory_path() / "h2race-probe-explain";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string json = (dir / "probe.json").string();
  ShellResult r;
  {
    ServeProcess serve(dir);
    ASSERT_FALSE(serve.url().empty()) << "serve did not start";
    // sequential: every connection completes its handshake and then writes, whatever its class.
    r = h2race("probe " + serve.url() + " --ca " + serve.ca() +
               " --client sequential -n 3 --jobs 1 --explain --json " + json);
  }
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("the client's side only"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("t_us  client"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("client.handshake_done"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("write 64 bytes: "), std::string::npos) << r.output;  // the preface
  // A server event would sit in the second column: the time, then 48 spaces.
  EXPECT_FALSE(std::regex_search(r.output, std::regex(R"((^|\n) *\d+ {48}\S)"))) << r.output;

  std::ifstream in(json);
  const auto j = nlohmann::json::parse(in);
  ASSERT_TRUE(j.contains("examples")) << j.dump(2);
  ASSERT_FALSE(j["examples"].empty());
  for (const auto& [cls, ex] : j["examples"].items()) {
    bool handshake = false, write = false;
    for (const auto& e : ex["events"]) {
      EXPECT_EQ(e["side"], "client") << cls << ": " << e.dump();
      handshake = handshake || e["event"] == "client.handshake_done";
      write = write || e["event"] == "write";
    }
    EXPECT_TRUE(handshake && write) << cls << ": " << ex.dump(2);
  }
  fs::remove_all(dir);
}

TEST(ExplainCli, ExplainWithAnExternalClientIsExit2) {
  // Refused before anything runs, so it holds whether or not curl is installed.
  expect_usage_error("run -n 1 --explain --client curl", "--explain: --client curl");
  expect_usage_error("probe https://127.0.0.1:1/ -n 1 --explain --client curl",
                     "--explain: --client curl");
}

TEST(ExplainCli, QuietReplayPrintsOnlyItsSummaryLine) {
  const std::string sched = std::string(H2RACE_REPRODUCERS) + "/write:EPIPE.sched";
  ShellResult r = h2race("replay '" + sched + "' --times 2 --explain -q");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.find("t_us"), std::string::npos) << r.output;
  r = h2race("replay '" + sched + "' --times 2 --explain");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("t_us"), std::string::npos) << r.output;
}

TEST(ExplainCli, CalibrateExplainIsNotWithFit) {
  expect_usage_error("calibrate --explain --fit -n 10", "--explain: not with --fit");
}

}  // namespace
