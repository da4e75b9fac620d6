// scripts/log-shares --by worker-window: the per-worker regime figure docs/go-model.md quotes.
// A hand-made iteration log whose two workers answer differently: the windows must follow each
// worker's own iterations, and the SD between windows must be the windows' sample SD.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "shell_command.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

const std::string kScript = std::string(H2RACE_SOURCE_DIR) + "/scripts/log-shares";

std::string line(int iteration, int worker, const char* cls) {
  return R"({"client":"go","iteration":)" + std::to_string(iteration) + R"(,"worker":)" +
         std::to_string(worker) + R"(,"in_batch":0,"class":")" + cls +
         R"(","truth":"tls_alert:certificate_required","t_ms":)" + std::to_string(iteration) +
         "}\n";
}

TEST(LogShares, WorkerWindowsFollowEachWorkersOwnIterations) {
  // Worker 0 always gets the alert, worker 1 always EPIPE; interleaved, so windows over the run
  // would mix them, and per-worker windows must not.
  std::string text;
  for (int i = 0; i < 8; ++i) {
    text += line(i, i % 2, i % 2 ? "write:EPIPE" : "tls_alert:certificate_required");
  }
  const fs::path log = write_temp_file("h2race_log_shares", text);
  const ShellResult r = shell(kScript + " " + log.string() + " --by worker-window --window 2");
  EXPECT_EQ(r.code, 0) << r.output;
  // Each worker's four answers in two windows of two; the alert share 100 % in worker 0's.
  EXPECT_NE(r.output.find("w0:0-1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("w1:2-3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("SD between the 4 full windows"), std::string::npos) << r.output;
  // Shares 100, 100, 0, 0: sample SD 57.7 points; sampling alone at 50 % and 2 answers: 35.4.
  EXPECT_NE(r.output.find("tls_alert:certificate_required    57.7 (35.4)"), std::string::npos)
      << r.output;
  const ShellResult by_run = shell(kScript + " " + log.string() + " --by window --window 2");
  EXPECT_EQ(by_run.code, 0) << by_run.output;
  // Over the run every window holds one of each: no spread at all.
  EXPECT_NE(by_run.output.find("tls_alert:certificate_required     0.0 (35.4)"), std::string::npos)
      << by_run.output;
  fs::remove(log);
}

TEST(LogShares, ALineWithoutTheWorkerFieldNamesFileAndLine) {
  const fs::path log = write_temp_file(
      "h2race_log_shares_old",
      line(0, 0, "write:EPIPE") +
          R"({"client":"go","iteration":1,"in_batch":0,"class":"write:EPIPE","t_ms":1})" + "\n");
  const ShellResult r = shell(kScript + " " + log.string() + " --by worker-window");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find(log.string() + ":2: not a --log line"), std::string::npos) << r.output;
  fs::remove(log);
}

// --by steps: per class, the p50 and p90 of each step a model logged, over the answers that
// have it (docs/go-model.md sets these beside real Go's).
TEST(LogShares, StepsArePerClassPercentilesOverTheAnswersThatHaveThem) {
  std::string text;
  for (int i = 0; i < 10; ++i) {
    const bool alert = i < 5;
    text += R"({"client":"go","iteration":)" + std::to_string(i) +
            R"(,"worker":0,"in_batch":0,"class":")" +
            (alert ? "tls_alert:certificate_required" : "h2:no_connection") +
            R"(","truth":"x","t_ms":1,"steps_us":{"flight_to_preface":)" + std::to_string(i + 1) +
            (alert ? R"(,"preface_to_headers":)" + std::to_string(10 * (i + 1)) : "") + "}}\n";
  }
  const fs::path log = write_temp_file("h2race_log_shares_steps", text);
  const ShellResult r = shell(kScript + " " + log.string() + " --by steps");
  EXPECT_EQ(r.code, 0) << r.output;
  // The alert's flight_to_preface 1..5: p50 3, p90 4 (index int(0.9 * 4)); its preface_to_headers
  // 10..50; h2:no_connection's 6..10 and no preface_to_headers.
  EXPECT_NE(r.output.find("3.0 /    4.0 (n     5)     30.0 /   40.0 (n     5)"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("8.0 /    9.0 (n     5)                           -"), std::string::npos)
      << r.output;
  const fs::path bad_log = write_temp_file(
      "h2race_log_shares_bad_steps",
      R"({"client":"go","iteration":0,"worker":0,"in_batch":0,"class":"c","t_ms":1,)"
      R"("steps_us":{"flight_to_preface":"soon"}})"
      "\n");
  const ShellResult bad = shell(kScript + " " + bad_log.string() + " --by steps");
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_NE(bad.output.find(bad_log.string() +
                            ":1: not a --log line (steps_us is not an object of numbers)"),
            std::string::npos)
      << bad.output;
  fs::remove(bad_log);
  fs::remove(log);
}

}  // namespace
}  // namespace h2race
