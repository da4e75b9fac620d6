// The batch adapter's contract with the driver: each answer is handed over while the program
// still runs (so it is paired with the server's truth before a later connection reuses its
// 4-tuple), a program that stops early still yields one result per request, and a request that
// hangs is `timeout` with the program killed and reaped. A shell script stands in for
// go1.19-net-http (its real definition), so the order of events is fixed by files, not by timing.
#include "clients/external_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace h2race {
namespace {

namespace fs = std::filesystem;

const char* const kAlertLine =
    "127.0.0.1:40001\terror Get \"https://127.0.0.1:443/\": remote error: tls: certificate "
    "required";
const char* const kEpipeLine =
    "127.0.0.1:40002\terror Get \"https://127.0.0.1:443/\": write tcp "
    "127.0.0.1:40002->127.0.0.1:443: write: broken pipe";

ClientDefinition go_net_http_definition() {
  const std::string file =
      std::string(H2RACE_SOURCE_DIR) + "/clients/external/go1.19-net-http.client";
  return read_client_definition(file);
}

class FakeGoNetHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("h2race_fake_go_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    def_ = go_net_http_definition();
    setup_.def = &def_;
    setup_.url = "https://127.0.0.1:443/";
    setup_.timeout = std::chrono::milliseconds(2000);
    auto* v4 = reinterpret_cast<sockaddr_in*>(&setup_.server);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(443);
    inet_pton(AF_INET, "127.0.0.1", &v4->sin_addr);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes an executable script standing in for the program.
  void program(const std::string& body) {
    setup_.program = dir_ / "go1.19-net-http";
    std::ofstream(setup_.program) << "#!/bin/sh\n" << body;
    fs::permissions(setup_.program, fs::perms::owner_all);
  }

  // Runs `count` requests; the sink creates `go_on` once it has the first result.
  std::vector<ClientResult> run_creating_after_first(uint64_t count, const fs::path& go_on) {
    std::vector<ClientResult> got;
    run_external(setup_, count, [&](ClientResult r) {
      got.push_back(std::move(r));
      if (got.size() == 1) std::ofstream(go_on) << "";
    });
    return got;
  }

  fs::path dir_;
  ClientDefinition def_;
  ExternalSetup setup_;
};

TEST_F(FakeGoNetHttp, EachAnswerArrivesBeforeTheProgramGoesOn) {
  // The program prints its second answer only once the first has reached the sink (the sink
  // creates the file it waits for); it gives up after 5 s, which a buffering adapter would cause.
  const fs::path go_on = dir_ / "go-on";
  program(std::string("echo '") + kAlertLine + "'\n" + "i=0; while [ ! -e '" + go_on.string() +
          "' ]; do\n" + "  i=$((i+1)); [ $i -gt 500 ] && exit 7; sleep 0.01\ndone\n" +  //
          "echo '" + kEpipeLine + "'\n");
  const auto got = run_creating_after_first(2, go_on);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].outcome.cls, "tls_alert:certificate_required");
  EXPECT_EQ(got[1].outcome.cls, "write:EPIPE") << got[1].outcome.raw;
  ASSERT_TRUE(got[0].key && got[1].key);
  EXPECT_EQ(got[0].key->client_port, 40001);
  EXPECT_EQ(got[1].key->client_port, 40002);
  EXPECT_EQ(got[0].key->server_port, 443);
}

TEST_F(FakeGoNetHttp, AProgramThatStopsEarlyStillYieldsOneResultPerRequest) {
  program(std::string("echo '") + kAlertLine +
          "'\necho 'go1.19-net-http: out of luck' >&2\nexit 3\n");
  std::vector<ClientResult> got;
  run_external(setup_, 3, [&](ClientResult r) { got.push_back(std::move(r)); });
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].outcome.cls, "tls_alert:certificate_required");
  for (size_t i = 1; i < got.size(); ++i) {
    EXPECT_EQ(got[i].outcome.cls, "other");
    EXPECT_NE(got[i].outcome.raw.find("exited 3"), std::string::npos) << got[i].outcome.raw;
    EXPECT_NE(got[i].outcome.raw.find("out of luck"), std::string::npos) << got[i].outcome.raw;
    EXPECT_FALSE(got[i].key);
  }
}

TEST_F(FakeGoNetHttp, ReportsTheRequestsRedials) {
  // Go's Transport dialled twice more before the connection the answer came from; a malformed
  // field is part of the answer, not a count.
  program(std::string("printf '127.0.0.1:40001\\tredials=2\\terror remote error: tls: "
                      "certificate required\\n'\n") +
          "echo '" + kEpipeLine + "'\n" + "printf '127.0.0.1:40003\\tredials=x\\tok 200\\n'\n");
  std::vector<ClientResult> got;
  run_external(setup_, 3, [&](ClientResult r) { got.push_back(std::move(r)); });
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].outcome.cls, "tls_alert:certificate_required") << got[0].outcome.raw;
  EXPECT_EQ(got[0].outcome.redials, 2u);
  ASSERT_TRUE(got[0].key);
  EXPECT_EQ(got[0].key->client_port, 40001);
  EXPECT_EQ(got[1].outcome.redials, 0u);
  EXPECT_EQ(got[2].outcome.redials, 0u);
  EXPECT_NE(got[2].outcome.raw.find("redials=x"), std::string::npos) << got[2].outcome.raw;
}

TEST_F(FakeGoNetHttp, AHungRequestIsTimeoutAndTheRestRunInANewProcess) {
  // The first process answers once and then hangs (with a child of its own holding the pipes);
  // the second answers the request that is left. Each process writes its pid down.
  const fs::path pids = dir_ / "pids";
  setup_.timeout = std::chrono::milliseconds(200);
  def_.startup = std::chrono::milliseconds(0);
  program("echo $$ >> '" + pids.string() + "'\n" + "if [ \"$(wc -l < '" + pids.string() +
          "')\" -eq 1 ]; then\n" + "  echo '" + kAlertLine + "'\n  sleep 100 & wait\nfi\n" +
          "echo '" + kEpipeLine + "'\n");
  std::vector<ClientResult> got;
  run_external(setup_, 3, [&](ClientResult r) { got.push_back(std::move(r)); });
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].outcome.cls, "tls_alert:certificate_required");
  EXPECT_EQ(got[1].outcome.cls, "timeout") << got[1].outcome.raw;
  EXPECT_NE(got[1].outcome.raw.find("did not finish in time"), std::string::npos);
  EXPECT_EQ(got[2].outcome.cls, "write:EPIPE") << got[2].outcome.raw;
  // Both processes are gone and reaped: kill(pid, 0) finds neither (a zombie would still be
  // found until its parent reaped it).
  std::ifstream in(pids);
  int n = 0;
  for (pid_t pid; in >> pid; ++n) {
    EXPECT_EQ(kill(pid, 0), -1) << pid;
    EXPECT_EQ(errno, ESRCH) << pid;
  }
  EXPECT_EQ(n, 2);
}

TEST_F(FakeGoNetHttp, APacedProgramGoesOnOnlyOnceItsAnswerWasTaken) {
  // The program waits for a line on stdin after its first answer; the sink creates go-on when it
  // has the first result, so the second answer tells whether the newline came after it.
  def_.paced = true;
  const fs::path go_on = dir_ / "go-on";
  program(std::string("echo '") + kAlertLine + "'\nread x\nif [ -e '" + go_on.string() +
          "' ]; then echo '" + kEpipeLine + "'; else echo '-\terror not paced'; fi\n");
  const auto got = run_creating_after_first(2, go_on);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].outcome.cls, "write:EPIPE") << got[1].outcome.raw;
}

TEST_F(FakeGoNetHttp, ArgvFillsThePlaceholders) {
  setup_.program = "/bin/go1.19-net-http";
  setup_.ca = "/p/ca.crt";
  setup_.proto = Proto::kH1;
  EXPECT_EQ(
      external_argv(setup_, 7),
      (std::vector<std::string>{"/bin/go1.19-net-http", "-url", "https://127.0.0.1:443/", "-ca",
                                "/p/ca.crt", "-n", "7", "-proto", "h1", "-timeout", "2000ms"}));
  setup_.cert = "/p/c.crt";
  setup_.key = "/p/c.key";
  const auto argv = external_argv(setup_, 1);
  EXPECT_EQ(std::vector<std::string>(argv.end() - 4, argv.end()),
            (std::vector<std::string>{"-cert", "/p/c.crt", "-key", "/p/c.key"}));
  // --slow-request-us reaches Go's program as its own flag, and only when given.
  setup_.slow_request = std::chrono::microseconds(25);
  const auto slowed = external_argv(setup_, 1);
  EXPECT_EQ(std::vector<std::string>(slowed.end() - 2, slowed.end()),
            (std::vector<std::string>{"-slow-request", "25us"}));
  EXPECT_EQ(slowed.size(), argv.size() + 2);
}

TEST(ExternalArgv, ProtoChoiceAndLiteralBraces) {
  ClientDefinition def = parse_client_definition(
      "name t\nprogram t\npackage t\nspeaks h1 h2\nanswers exit-status\n"
      "argv {program} {proto:--http1.1|--http2} -w \"%{{local_port}}\" --max-time {timeout_s}\n",
      "/defs/t.client");
  ExternalSetup s;
  s.def = &def;
  s.program = "/usr/bin/t";
  s.timeout = std::chrono::milliseconds(1500);
  EXPECT_EQ(external_argv(s, 1),
            (std::vector<std::string>{"/usr/bin/t", "--http2", "-w", "%{local_port}", "--max-time",
                                      "1.500"}));
  s.proto = Proto::kH1;
  EXPECT_EQ(external_argv(s, 1)[1], "--http1.1");
}

}  // namespace
}  // namespace h2race
