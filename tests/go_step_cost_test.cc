// bench/go-step-cost, built with each Go: Go's own time for the steps the go models stand for
// (docs/go-model.md, "Go's own steps, in memory"). A reading on a new host is compared with the
// one on the last, so the program must give both spans for every connection it was asked for,
// in order statistics that are ordered, and end each connection before the next (it refuses to
// report when goroutines were left over, which made every later connection slower).
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "shell_command.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

TEST(GoStepCost, GivesBothSpansOfEveryConnectionWithEachGo) {
  int programs = 0;
  for (const char* go : {"1.19", "1.26"}) {
    const fs::path program =
        fs::path(H2RACE_BIN).parent_path() / (std::string("go-step-cost-go") + go);
    if (!fs::exists(program)) continue;  // that Go is not installed (CMakeLists.txt says so)
    ++programs;
    const ShellResult r = shell(program.string() + " -n 30 2>&1");
    ASSERT_EQ(r.code, 0) << program << "\n" << r.output;
    std::istringstream lines(r.output);
    int spans = 0;
    for (std::string version, span, n_, min_, p10_, p50_, p90_; lines >> version >> span;) {
      int n = 0;
      double min = 0, p10 = 0, p50 = 0, p90 = 0;
      lines >> n_ >> n >> min_ >> min >> p10_ >> p10 >> p50_ >> p50 >> p90_ >> p90;
      EXPECT_EQ(version.rfind(std::string("go") + go, 0), 0u) << r.output;
      EXPECT_EQ(span, spans == 0 ? "handshake->GotConn" : "GotConn->WroteHeaders") << r.output;
      EXPECT_EQ(n, 30) << r.output;
      EXPECT_GT(min, 0) << r.output;
      EXPECT_LE(min, p10) << r.output;
      EXPECT_LE(p10, p50) << r.output;
      EXPECT_LE(p50, p90) << r.output;
      ++spans;
    }
    EXPECT_EQ(spans, 2) << r.output;
    const ShellResult bad = shell(program.string() + " -n 5 2>&1");
    EXPECT_EQ(bad.code, 2) << bad.output;
    EXPECT_NE(bad.output.find("usage: go-step-cost"), std::string::npos) << bad.output;
  }
  if (programs == 0) GTEST_SKIP() << "no Go installed: go-step-cost was not built";
}

}  // namespace
}  // namespace h2race
