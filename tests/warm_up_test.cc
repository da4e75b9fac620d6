// calibrate --warm-up (RunPlan::warm_up): each process of a program first makes that many
// requests, which are not counted. A scripted client stands in for the program: it answers "ok"
// to its process's first request only and "broken pipe" to every later one, so whether the first
// answers were counted shows in the histogram.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "clients/client_kinds.h"
#include "core/pki.h"
#include "harness/driver.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

const char* const kScript = R"(
import socket, sys, urllib.parse
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
url = urllib.parse.urlparse(args["--url"])
for i in range(int(args["-n"])):
    s = socket.create_connection((url.hostname, url.port))
    host, port = s.getsockname()[:2]
    s.close()
    print(f"{host}:{port}\t" + ("ok 200" if i == 0 else "error canned: write: broken pipe"),
          flush=True)
)";

const char* const kDefinition = R"(name      first-ok
summary   "ok to its process's first request only"
program   /usr/bin/python3
package   python3
speaks    h2
answers   lines
local-address line
requests-per-process 3
argv      {program} {dir}/first_ok.py --url {url} -n {count}
rule contains "ok " => ok
rule contains "broken pipe" => write:EPIPE
)";

// The script and its definition, in a directory removed when the test program ends.
struct ClientFiles {
  fs::path dir = fs::temp_directory_path() / ("h2race_warm_up_test_" + std::to_string(getpid()));
  ClientFiles() {
    fs::create_directories(dir);
    std::ofstream(dir / "first_ok.py") << kScript;
    std::ofstream(dir / "first_ok.client") << kDefinition;
  }
  ~ClientFiles() { fs::remove_all(dir); }
};

const ClientKindInfo& first_ok_client() {
  static const ClientFiles files;
  static const ClientKindInfo& kind = add_client_definition(files.dir / "first_ok.client");
  return kind;
}

RunRecord run_with_warm_up(uint64_t warm_up) {
  static const Pki pki(KeyType::kEd25519);
  Scenario s;
  s.client = std::string(first_ok_client().name);
  s.iterations = 6;
  s.jobs = 1;
  RunPlan plan = plan_run(s);
  plan.warm_up = warm_up;
  return run_scenario(plan, pki);
}

TEST(WarmUp, WithoutItEveryProcessFirstAnswerCounts) {
  const RunRecord run = run_with_warm_up(0);
  EXPECT_EQ(run.histogram.iterations(), 6u);
  EXPECT_EQ(run.histogram.count("ok"), 2u);  // two processes of three requests
  EXPECT_EQ(run.histogram.count("write:EPIPE"), 4u);
}

TEST(WarmUp, AProcesssFirstAnswersAreNotCountedAndEveryCountedOneIsPaired) {
  const RunRecord run = run_with_warm_up(1);
  EXPECT_EQ(run.histogram.iterations(), 6u);  // the count asked for, besides the warm-up
  EXPECT_EQ(run.histogram.count("ok"), 0u);
  EXPECT_EQ(run.histogram.count("write:EPIPE"), 6u);
  // Each counted answer met its own connection's truth, not a warm-up connection's.
  for (const auto& [pair, count] : run.histogram.pairs()) {
    EXPECT_NE(pair.first, "unknown") << pair.second;
  }
  EXPECT_FALSE(run.partial);
}

}  // namespace
}  // namespace h2race
