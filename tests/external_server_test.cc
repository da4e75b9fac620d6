// Real servers started from their definitions (servers/external): each answer is paired with a
// truth read from the wire, a server is stopped with everything it started, and a server that
// fails to start or listens beyond loopback is exit 2 with what it printed. scripts/setup
// installs the servers; a missing one fails these tests, as a missing client does elsewhere.
// No test asserts a racy share: only what the server does (its truth, the same on every
// connection) and that every answer found its connection in the capture.
#include "harness/external_server.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "child_ready.h"
#include "servers/server_kinds.h"
#include "shell_command.h"

namespace h2race {
namespace {

// Whether any process's /proc/PID/<file> (cmdline or environ: NUL-separated words) has a word
// that contains text.
bool some_process_has(const char* file, const std::string& text) {
  DIR* proc = opendir("/proc");
  bool found = false;
  while (const dirent* e = proc ? readdir(proc) : nullptr) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/" + file);
    const std::string words((std::istreambuf_iterator<char>(in)), {});
    if (words.find(text) != std::string::npos) found = true;
  }
  if (proc) closedir(proc);
  return found;
}

bool accepts(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  close(fd);
  return ok;
}

// Started and stopped five times each (scripts/server-zoo-check does 100 of every built-in):
// afterwards nothing listens on its port and no process names its private directory.
TEST(ExternalServer, StopsLeaveNoProcessAndNoPort) {
  const Pki pki(KeyType::kP256);
  for (const char* name : {"nginx", "haproxy", "nghttpd", "go1.26-net-http-server"}) {
    const ServerDefinition* def = find_server(name);
    ASSERT_TRUE(def) << name;
    const auto program = find_server_program(*def);
    ASSERT_TRUE(program) << name << ": not installed (scripts/setup installs it)";
    for (int i = 0; i < 5; ++i) {
      uint16_t port = 0;
      std::string dir;
      {
        ExternalServer server(*def, *program, pki);
        port = server.port();
        dir = server.dir().string();
        EXPECT_TRUE(accepts(port)) << name;
      }
      EXPECT_FALSE(accepts(port)) << name << " still listens on " << port;
      EXPECT_FALSE(some_process_has("cmdline", dir)) << name << " left a process behind";
    }
  }
}

// CI's slice of the server zoo: two servers x two clients x 200 iterations.
TEST(ExternalServer, EveryAnswerIsPairedWithTheWiresTruth) {
  struct Case {
    const char* server;
    const char* client;
    const char* truth;  // what the server does on every connection
  };
  for (const Case& c : {Case{"nginx", "go", "http:400"}, Case{"nginx", "h1", "http:400"},
                        Case{"haproxy", "go", "tls_alert:certificate_required"},
                        Case{"haproxy", "sequential", "tls_alert:certificate_required"}}) {
    const auto r = h2race(fmt::format("run --server {} --client {} -n 200", c.server, c.client));
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find(fmt::format("truth  {} 200\n", c.truth)), std::string::npos)
        << c.server << " x " << c.client << ": some answer has another or no truth\n"
        << r.output;
  }
}

// Each built-in's mTLS configuration is the one its comments claim: a client with a valid
// certificate is served (200), and the http-reject knob refuses one without at the HTTP level.
TEST(ExternalServer, EveryBuiltinServesAValidCertificateAndItsKnobRefusesAtHttp) {
  for (const ServerDefinition& d : server_definitions()) {
    if (!is_builtin_server(d)) continue;
    const std::string key = d.keys.empty() ? "ed25519" : d.keys.front();
    const auto valid =
        h2race(fmt::format("run --server {} --key {} --client-cert valid -n 20", d.name, key));
    EXPECT_NE(valid.output.find("truth  ok 20\n"), std::string::npos) << d.name << valid.output;
    if (!d.knobs.count("http-reject")) continue;
    const auto refused = h2race(
        fmt::format("run --server {} --key {} --server-knob http-reject -n 20", d.name, key));
    EXPECT_NE(refused.output.find("truth  http:40"), std::string::npos) << d.name << refused.output;
    EXPECT_NE(refused.output.find("fidelity 1.0000"), std::string::npos)
        << d.name << refused.output;
  }
}

TEST(ExternalServer, AFailedStartIsExit2WithWhatItPrinted) {
  const std::string def = ::testing::TempDir() + "h2race_bad_nghttpd.server";
  std::ofstream(def)
      << "name bad-nghttpd\nprogram nghttpd\npackage nghttp2-server\nspeaks h2\n"
         "mtls --verify-client\nargv {program} --address={host} {port} /nonexistent.key {cert}\n";
  const auto r = h2race("run -n 5 --server-def " + def);
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("server bad-nghttpd: it exited before it accepted"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("its stderr"), std::string::npos) << r.output;
}

// nghttpd without --address binds every address: refused and stopped, before any client runs.
TEST(ExternalServer, AServerListeningBeyondLoopbackIsStopped) {
  const std::string def = ::testing::TempDir() + "h2race_open_nghttpd.server";
  std::ofstream(def) << "name open-nghttpd\nprogram nghttpd\npackage nghttp2-server\nspeaks h2\n"
                        "mtls --verify-client\nargv {program} {port} {key} {cert} # {host}\n";
  const auto r = h2race("run -n 5 --server-def " + def);
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("listens beyond loopback"), std::string::npos) << r.output;
}

// Ctrl-C mid-run: the answers so far are written (partial), the server is stopped, and the JSON
// says why there is no truth from the wire.
TEST(ExternalServer, CtrlCWritesThePartialRunAndStopsTheServer) {
  const auto path = std::filesystem::temp_directory_path() / "h2race_server_sigint.json";
  const auto log = std::filesystem::temp_directory_path() / "h2race_server_sigint.log";
  std::filesystem::remove(path);
  std::filesystem::remove(log);
  // Inherited by h2race and everything it starts, so what is left of this run can be told from
  // other tests' servers.
  const std::string mark = "H2RACE_TEST_RUN=sigint-" + std::to_string(getpid());
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    putenv(const_cast<char*>(mark.c_str()));
    execl(H2RACE_BIN, H2RACE_BIN, "run", "--server", "haproxy", "-n", "200000", "-q", "--json",
          path.c_str(), "--log", log.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // 200,000 iterations take minutes: the signal lands mid-run, once the log shows answers.
  const bool answered = wait_for_a_line(log);
  kill(pid, SIGINT);  // also when it has not answered: SIGINT stops its server too
  if (!answered) {
    waitpid(pid, nullptr, 0);
    std::filesystem::remove(path);
    std::filesystem::remove(log);
    FAIL() << "no iteration ended within 60 s";
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << "no JSON written";
  const auto j = nlohmann::json::parse(in);
  EXPECT_TRUE(j["partial"].get<bool>());
  EXPECT_GT(j["iterations"].get<uint64_t>(), 0u);
  EXPECT_EQ(j["env"]["wire_truth_error"], "interrupted before the capture was read");
  EXPECT_FALSE(some_process_has("environ", mark + '\0')) << "a server was left running";
  std::filesystem::remove(path);
  std::filesystem::remove(log);
}

TEST(ExternalServer, FlagsOfH2racesOwnServerAreRefused) {
  expect_usage_error("run --server haproxy -n 200001", "at most 200000");
  expect_usage_error("run -n 5 --server nginx --server-close linger", "--server-close");
  expect_usage_error("run -n 5 --server-knob linger", "--server-knob");
  expect_usage_error("run -n 5 --server nginx --server-knob none", "--server-knob none");
  expect_usage_error("run -n 5 --server h2o", "--key ed25519");
  expect_usage_error("run -n 5 --server nosuch", "--server nosuch");
}

}  // namespace
}  // namespace h2race
