// Real peers end to end: every built-in client definition (curl, nghttp, the Go client by two Gos,
// node, python-httpx and java adapters) against the in-process server
// (`h2race run --client ...`), `h2race serve` with a client a user brings, and `h2race probe`
// against nghttpd -V. scripts/setup installs the programs; a missing one fails these tests
// (never a silent skip). Assertions hold for every interleaving: the set of classes, the pairing
// with the server's truth, and the outcomes that are fixed by construction (linger, valid cert,
// prefer-alert).
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "core/pki.h"
#include "core/pki_files.h"
#include "eventually.h"
#include "shell_command.h"

namespace h2race {
namespace {

namespace fs = std::filesystem;

using Result = ShellResult;

fs::path temp(const std::string& name) { return fs::temp_directory_path() / name; }

// `env`: assignments for the run's environment (shell syntax), before the binary.
nlohmann::json run_json(const std::string& name, const std::string& flags,
                        const std::string& env = "") {
  const fs::path path = temp(name);
  const Result r = shell(env + " " + H2RACE_BIN + " run -q " + flags + " --json " + path.string());
  EXPECT_EQ(r.code, 0) << flags << "\n" << r.output;
  std::ifstream in(path);
  return in ? nlohmann::json::parse(in) : nlohmann::json::object();
}

std::map<std::string, uint64_t> classes(const nlohmann::json& j) {
  std::map<std::string, uint64_t> m;
  for (const auto& c : j.value("classes", nlohmann::json::array())) m[c["class"]] = c["count"];
  return m;
}

// Every answer is a class the race can produce, none is `other`, and every connection's truth
// was found (pairing by the program's reported local address worked).
void expect_race_classes(const nlohmann::json& j, uint64_t n, const std::set<std::string>& allowed,
                         const std::string& truth = "tls_alert:certificate_required") {
  EXPECT_EQ(j["iterations"], n);
  EXPECT_EQ(j["truth"], nlohmann::json({{truth, n}})) << j["truth"].dump();
  for (const auto& [cls, count] : classes(j)) {
    EXPECT_TRUE(allowed.count(cls)) << cls << " x" << count << ": " << j["classes"].dump();
  }
}

const std::set<std::string> kRaceClasses{"tls_alert:certificate_required", "write:ECONNRESET",
                                         "write:EPIPE", "connect:ENOTCONN", "h2:no_connection"};

TEST(ExternalPeers, CurlAnswersAreClassifiedAndPairedWithTheTruth) {
  expect_race_classes(run_json("h2race_curl.json", "--client curl -n 30"), 30, kRaceClasses);
  expect_race_classes(run_json("h2race_curl_h1.json", "--client curl --proto h1 -n 20"), 20,
                      kRaceClasses);
}

TEST(ExternalPeers, GoNetHttpAnswersAreClassifiedAndPairedWithTheTruth) {
  expect_race_classes(run_json("h2race_gonet.json", "--client go1.19-net-http -n 400"), 400,
                      kRaceClasses);
}

TEST(ExternalPeers, GoNetHttpOverHttp1ReportsTheAlertAgainstAReadAheadServer) {
  // Go's HTTP/1 transport prefers the read side's error, and a server that reads ahead (as Go's
  // does) closes with FIN, so the request write succeeds and the alert is read: 3,000 of 3,000
  // on an idle machine, 1 `other` ("use of closed network connection", a race inside Go) in
  // 2,000 under load. The bound, at least 291 of 300, fails with probability < 1e-5 at a true
  // wrong-answer rate of 0.5%; a server leaving the request unread (RST) gives ~9% wrong, i.e.
  // ~27 of 300.
  const auto j = run_json("h2race_gonet_h1.json", "--client go1.19-net-http --proto h1 -n 300");
  EXPECT_GE(classes(j)["tls_alert:certificate_required"], 291u) << j["classes"].dump();
}

TEST(ExternalPeers, GoNetHttpUnderLingerAlwaysReportsTheAlert) {
  // Linger drains the client before closing: no RST, so no write can fail and Go reads the
  // alert (Go 1.19 redials a connection that died before its request, and gets the alert again).
  const auto j =
      run_json("h2race_gonet_linger.json", "--client go1.19-net-http --server-close linger -n 300");
  EXPECT_EQ(classes(j), (std::map<std::string, uint64_t>{{"tls_alert:certificate_required", 300}}));
  // Every answer paired with its connection's truth, redials and port reuse notwithstanding.
  EXPECT_EQ(j["truth"], nlohmann::json({{"tls_alert:certificate_required", 300}}));
}

TEST(ExternalPeers, CurrentGoNetHttpAnswersAreClassifiedAndPairedWithTheTruth) {
  expect_race_classes(run_json("h2race_gonet126.json", "--client go1.26-net-http -n 400"), 400,
                      kRaceClasses);
}

// --slow-request-us holds the request where Go's GotConn fires, before its stream's ID, in Go's
// program and in the model alike: held 100 ms (the server has alerted and closed some 0.1 ms after
// the handshake), Go >= 1.24's request finds the connection closed when its stream asks for an
// ID, every time, and the JSON says the run was slowed. Held after the ID instead, the answers
// would be the alert or a write error. Two processors, as on the 2-core machines the project runs
// on: with one (a 1-CPU machine) nothing would run the read loop during the hold, in either.
TEST(ExternalPeers, ASlowedRequestIsHeldBeforeItsStreamsIdInGoAndInTheModel) {
  for (const std::string client : {"go1.26-net-http", "go"}) {
    const auto j =
        run_json("h2race_slowed.json", "--client " + client + " -n 6 --slow-request-us 100000",
                 "GOMAXPROCS=2");
    EXPECT_EQ(classes(j), (std::map<std::string, uint64_t>{{"h2:no_connection", 6}}))
        << client << ": " << j["classes"].dump();
    EXPECT_EQ(j["scenario"].value("slow_request_us", 0), 100000) << client;
  }
}

// A histogram says which Go ran: the program's `-version`, recorded in env.client_program. A
// client whose name claims a Go must have been built by it (the machine's own Go comes first on
// PATH, and was once picked for go1.19's).
TEST(ExternalPeers, EachGoClientIsBuiltByTheGoItsNameSays) {
  for (const std::string version : {"1.19", "1.26"}) {
    for (const std::string suffix : {"", "-prefer-alert"}) {
      const std::string client = "go" + version + "-net-http" + suffix;
      const auto j = run_json("h2race_goversion.json", "--client " + client + " -n 5");
      const auto program = j["env"].value("client_program", nlohmann::json::object());
      EXPECT_EQ(program.value("name", ""), client) << j["env"].dump();
      EXPECT_TRUE(program.value("version", "").starts_with("go" + version + "."))
          << client << ": " << j["env"].dump();
    }
  }
}

// The Go workaround (clients/go/prefer_alert.go) on the real programs: without it 20-50% of
// requests report a transport error instead of the alert. The bound, at least 396 of 400, fails
// with probability < 1e-4 (Poisson, lambda 0.4) at a true miss rate of 0.1%, the rate the
// workaround is held to (docs/mitigations.md: 0 misses in 10,000 on each Go).
TEST(ExternalPeers, GoPreferAlertWorkaroundReportsTheAlertOnBothGos) {
  for (const std::string client :
       {"go1.19-net-http-prefer-alert", "go1.26-net-http-prefer-alert"}) {
    const auto j = run_json("h2race_goprefer.json", "--client " + client + " -n 400");
    EXPECT_GE(classes(j)["tls_alert:certificate_required"], 396u)
        << client << ": " << j["classes"].dump();
    EXPECT_EQ(j["truth"], nlohmann::json({{"tls_alert:certificate_required", 400}}));
  }
}

// The adapters: their answers are classified (never `other`) and paired by 4-tuple (node,
// python-httpx) or with the server's sole record (java, one job).
TEST(ExternalPeers, NodeAnswersAreClassifiedAndPairedWithTheTruth) {
  for (const char* proto : {"h2", "h1"}) {
    expect_race_classes(run_json(std::string("h2race_node_") + proto + ".json",
                                 std::string("--client node -n 200 --proto ") + proto),
                        200, kRaceClasses);
  }
}

TEST(ExternalPeers, PythonHttpxAnswersAreClassifiedAndPairedWithTheTruth) {
  std::set<std::string> allowed = kRaceClasses;
  allowed.insert("write:errno_lost");
  for (const std::string client : {"python-httpx", "python-httpx-0.28"}) {
    for (const char* proto : {"h2", "h1"}) {
      expect_race_classes(run_json("h2race_" + client + "_" + proto + ".json",
                                   "--client " + client + " -n 200 --proto " + proto),
                          200, allowed);
    }
  }
}

TEST(ExternalPeers, JavaAnswersAreClassifiedAndPairedWithTheSoleRecord) {
  const std::set<std::string> allowed{"tls_alert:certificate_required",
                                      "write:EPIPE",
                                      "write:ECONNRESET",
                                      "read:ECONNRESET",
                                      "conn:closed_locally",
                                      "timeout"};
  for (const char* proto : {"h2", "h1"}) {
    const auto j = run_json(std::string("h2race_java_") + proto + ".json",
                            std::string("--client java -n 40 --timeout-ms 2000 --proto ") + proto);
    EXPECT_EQ(j["iterations"], 40);
    for (const auto& [cls, count] : classes(j)) {
      EXPECT_TRUE(allowed.count(cls)) << cls << " x" << count << ": " << j["classes"].dump();
    }
    // Paced: every answer took its own request's records, over h1 both of the JDK's connections.
    EXPECT_EQ(j["truth"], nlohmann::json({{"tls_alert:certificate_required", 40}})) << proto;
  }
}

// The Rust adapter, as reqwest (paced: paired with the server's sole record) and as hyper (paired
// by its local address). hyper drops a request whose connection ended without naming why
// (conn:canceled), and h2 reports the EOF its connection read as "broken pipe" (read:EOF).
TEST(ExternalPeers, RustAnswersAreClassifiedAndPairedWithTheTruth) {
  std::set<std::string> allowed = kRaceClasses;
  // timeout: reqwest's own, 1 of 200 answers in a CI run of 2026-12-03 (a request that hung after
  // the server's alert until the bound; docs/peers.md).
  allowed.insert({"conn:canceled", "read:EOF", "timeout"});
  for (const char* client : {"rust-reqwest", "rust-hyper"}) {
    for (const char* proto : {"h2", "h1"}) {
      expect_race_classes(run_json(std::string("h2race_") + client + "_" + proto + ".json",
                                   std::string("--client ") + client + " -n 200 --proto " + proto),
                          200, allowed);
    }
  }
}

// undici: its answers are the socket's end (read:EOF: all of about 2,500 on 2026-12-02) or the
// alert, each paired by the local address its connector saw with a server record of the alert.
TEST(ExternalPeers, UndiciAnswersAreClassifiedAndPairedWithTheTruth) {
  for (const char* proto : {"h2", "h1"}) {
    expect_race_classes(run_json(std::string("h2race_undici_") + proto + ".json",
                                 std::string("--client node-undici -n 200 --proto ") + proto),
                        200, {"read:EOF", "tls_alert:certificate_required"});
  }
}

// grpc-go: one unary call per connection, paired by the dialer's local address; its status's text
// carries Go's error, so the classes are Go's.
TEST(ExternalPeers, GrpcGoAnswersAreClassifiedAndPairedWithTheTruth) {
  expect_race_classes(run_json("h2race_grpc_go.json", "--client grpc-go -n 200"), 200,
                      kRaceClasses);
}

// grpc-python: paced; against a P-256 server (grpcio offers no Ed25519 signature) its answers are
// the alert or, as it reports the alert record, read:tls_error; a valid certificate is answered.
TEST(ExternalPeers, GrpcPythonAnswersAreClassifiedAndPairedWithTheSoleRecord) {
  expect_race_classes(run_json("h2race_grpc_python.json", "--client grpc-python --key p256 -n 50"),
                      50, {"read:tls_error", "tls_alert:certificate_required"});
  const auto valid = run_json("h2race_grpc_python_valid.json",
                              "--client grpc-python --key p256 --client-cert valid -n 5");
  EXPECT_EQ(classes(valid), (std::map<std::string, uint64_t>{{"ok", 5}}));
}

// OkHttp, paired by the local address of the socket its factory made; grpc-java, paced, against a
// P-256 server (its BoringSSL offers no Ed25519 signature).
TEST(ExternalPeers, JvmClientsAnswersAreClassifiedAndPaired) {
  std::set<std::string> allowed = kRaceClasses;
  allowed.insert({"conn:canceled", "conn:closed_locally", "read:ECONNRESET"});
  for (const char* proto : {"h2", "h1"}) {
    expect_race_classes(run_json(std::string("h2race_okhttp_") + proto + ".json",
                                 std::string("--client okhttp -n 100 --proto ") + proto),
                        100, allowed);
  }
  expect_race_classes(run_json("h2race_grpc_java.json", "--client grpc-java --key p256 -n 50"), 50,
                      kRaceClasses);
  const auto valid = run_json("h2race_grpc_java_valid.json",
                              "--client grpc-java --key p256 --client-cert valid -n 5");
  EXPECT_EQ(classes(valid), (std::map<std::string, uint64_t>{{"ok", 5}}));
}

// grpc-node: paced, each answer paired with the server's sole record. Each call's Client has its
// own subchannel pool, so no call takes a connection another call started: 7,000 of 7,000 paired
// on 2026-12-03 (docs/peers.md); every one of these 50 must be.
TEST(ExternalPeers, GrpcNodeAnswersAreClassifiedAndPairedWithTheSoleRecord) {
  const auto j = run_json("h2race_grpc_node.json", "--client grpc-node -n 50");
  EXPECT_EQ(j["iterations"], 50);
  for (const auto& [cls, count] : classes(j)) {
    EXPECT_TRUE(kRaceClasses.count(cls)) << cls << " x" << count << ": " << j["classes"].dump();
  }
  EXPECT_EQ(j["truth"], (nlohmann::json{{"tls_alert:certificate_required", 50}}));
  const auto valid =
      run_json("h2race_grpc_node_valid.json", "--client grpc-node --client-cert valid -n 5");
  EXPECT_EQ(classes(valid), (std::map<std::string, uint64_t>{{"ok", 5}}));
}

TEST(ExternalPeers, ValidCertificateSucceedsForEveryProgram) {
  for (const std::string client :
       {"curl", "nghttp", "go1.19-net-http", "node", "python-httpx", "python-httpx-0.28", "java",
        "rust-reqwest", "rust-hyper", "grpc-go", "node-undici", "okhttp"}) {
    const auto j = run_json("h2race_valid_" + client + ".json",
                            "--client " + client + " --client-cert valid -n 5");
    EXPECT_EQ(classes(j), (std::map<std::string, uint64_t>{{"ok", 5}})) << client;
    EXPECT_EQ(j["truth"], nlohmann::json({{"ok", 5}})) << client;
  }
}

TEST(ExternalPeers, NghttpNeverNamesTheCause) {
  const auto j = run_json("h2race_nghttp.json", "--client nghttp -n 10");
  EXPECT_EQ(classes(j), (std::map<std::string, uint64_t>{{"h2:no_connection", 10}}));
  EXPECT_EQ(j["truth"], nlohmann::json({{"tls_alert:certificate_required", 10}}));
}

// The model and the program run against one server: both histograms are complete and paired,
// and the distance between them is stated (its size is measured, not asserted: it races).
TEST(Calibrate, RunsModelAndProgramAgainstOneServerAndStatesTheDistance) {
  const fs::path path = temp("h2race-calibrate.json");
  const Result r = h2race("calibrate -n 40 --batches 2 --json " + path.string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("calibrate go1.19 against go1.19-net-http"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("TVD "), std::string::npos) << r.output;
  // The conditions name the host: machines of one kind differ in it, and the mix with them.
  utsname u{};
  uname(&u);
  EXPECT_NE(r.output.find(std::string(", kernel ") + u.release + ", CPU "), std::string::npos)
      << r.output;
  // ... and how soon an idle core ran a woken thread, before and after, which moves the mix too.
  EXPECT_NE(r.output.find("an idle core ran a woken thread after "), std::string::npos) << r.output;
  std::ifstream in(path);
  const auto j = nlohmann::json::parse(in);
  const auto& wake = j["idle_core_wake_up"];
  EXPECT_EQ(wake["rounds"], 1000);
  // The probe needs two CPUs this process may run on (its affinity, not the machine's count).
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  ASSERT_EQ(sched_getaffinity(0, sizeof allowed, &allowed), 0);
  for (const char* when : {"before", "after"}) {
    if (CPU_COUNT(&allowed) < 2) {
      EXPECT_TRUE(wake[when].is_null()) << when;
    } else {
      EXPECT_GT(wake[when]["p50_us"].get<double>(), 0.0) << when;
      EXPECT_LE(wake[when]["p50_us"].get<double>(), wake[when]["p90_us"].get<double>()) << when;
    }
  }
  for (const char* side : {"model", "real"}) {
    EXPECT_EQ(j[side]["iterations"], 40) << side;
    EXPECT_EQ(j[side]["truth"], nlohmann::json({{"tls_alert:certificate_required", 40}})) << side;
  }
  EXPECT_EQ(j["model"]["scenario"]["client"], "go1.19");
  EXPECT_EQ(j["real"]["scenario"]["client"], "go1.19-net-http");
  // The model claims a settled Go process: by default each process's first 100 answers are not
  // counted, and the output says so.
  EXPECT_EQ(j["warm_up"], 100);
  EXPECT_NE(r.output.find("each process of the real program first made 100 requests, not counted"),
            std::string::npos)
      << r.output;
  EXPECT_GE(j["tvd"].get<double>(), 0.0);
  EXPECT_LE(j["tvd"].get<double>(), 1.0);
  EXPECT_EQ(h2race("calibrate -n 10 --model go1.19-net-http").code, 2);
  EXPECT_EQ(h2race("calibrate -n 10 --against go").code, 2);
}

// A program that answers one request per process has no process to warm up: the default is then
// 0, and asking for a warm-up is exit 2 naming the flag.
TEST(Calibrate, AOneRequestPerProcessProgramHasNoWarmUp) {
  const fs::path path = temp("h2race-calibrate-curl.json");
  const Result r = h2race("calibrate -n 4 --batches 1 --against curl --json " + path.string());
  ASSERT_EQ(r.code, 0) << r.output;
  std::ifstream in(path);
  EXPECT_EQ(nlohmann::json::parse(in)["warm_up"], 0);
  const Result asked = h2race("calibrate -n 4 --batches 1 --against curl --warm-up 3");
  EXPECT_EQ(asked.code, 2) << asked.output;
  EXPECT_NE(asked.output.find("--warm-up: curl answers one request per process"), std::string::npos)
      << asked.output;
}

// run --warm-up counts a program's answers the way calibrate's real side does (each process's
// first N not counted), so a run of the real program alone is comparable with calibrate's; the
// histogram says how its answers were counted. Only a program that answers in lines has a process
// to warm up.
TEST(ExternalPeers, RunWarmUpLeavesEachProcesssFirstAnswersUncounted) {
  const auto j = run_json("h2race_warmup.json", "--client go1.26-net-http -n 6 --warm-up 4");
  expect_race_classes(j, 6, kRaceClasses);
  EXPECT_EQ(j["env"]["client_program"].value("warm_up", -1), 4) << j["env"].dump();
  EXPECT_EQ(
      run_json("h2race_warmup0.json", "--client go1.26-net-http -n 2")["env"]["client_program"]
          .value("warm_up", -1),
      0);
  const Result model = h2race("run -n 2 --client go --warm-up 3");
  EXPECT_EQ(model.code, 2) << model.output;
  EXPECT_NE(model.output.find("--warm-up: --client go is not a program"), std::string::npos)
      << model.output;
  // With a fresh server per iteration every iteration is a new process, warmed up anew: said
  // before the run, with what it costs.
  const Result fresh = h2race("run -n 1 --client go1.26-net-http --warm-up 2 --fresh-server");
  EXPECT_EQ(fresh.code, 0) << fresh.output;
  EXPECT_NE(fresh.output.find("note: --warm-up 2 with --fresh-server: each iteration starts a new "
                              "process of go1.26-net-http, which first makes its 2 uncounted "
                              "requests (3 connections per iteration)"),
            std::string::npos)
      << fresh.output;
  const Result curl = h2race("run -n 2 --client curl --warm-up 3");
  EXPECT_EQ(curl.code, 2) << curl.output;
  EXPECT_NE(curl.output.find("--client curl answers one request per process"), std::string::npos)
      << curl.output;
}

// --explain keeps the model's connections (both peers: the server is in-process) and none of the
// program's (its client side is another process); which classes appear races, so not asserted.
TEST(Calibrate, ExplainShowsTheModelsConnectionsOnly) {
  const fs::path path = temp("h2race-calibrate-explain.json");
  const Result r = h2race("calibrate -n 40 --batches 2 --explain --json " + path.string());
  ASSERT_EQ(r.code, 0) << r.output;
  const size_t examples = r.output.find("examples of the model (go1.19");
  ASSERT_NE(examples, std::string::npos) << r.output;
  EXPECT_GT(examples, r.output.find("TVD ")) << "after the table:\n" << r.output;
  EXPECT_NE(r.output.find("t_us  client", examples), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("client.handshake_done", examples), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("server.accepted", examples), std::string::npos) << r.output;
  std::ifstream in(path);
  const auto j = nlohmann::json::parse(in);
  ASSERT_TRUE(j["model"].contains("examples")) << j["model"].dump(2);
  EXPECT_FALSE(j["model"]["examples"].empty());
  EXPECT_FALSE(j["real"].contains("examples"));
  for (const auto& [cls, ex] : j["model"]["examples"].items()) {
    std::set<std::string> sides;
    for (const auto& e : ex["events"]) sides.insert(e["side"].get<std::string>());
    EXPECT_EQ(sides, (std::set<std::string>{"client", "server"})) << cls;
  }
}

// --fit runs every timing of the grid in the same batches as the real program and names the one
// nearest to it; which one that is races, so only the shape is asserted.
TEST(Calibrate, FitRunsEveryTimingOfTheGridAndNamesTheBest) {
  const fs::path path = temp("h2race-fit.json");
  const Result r = h2race(
      "calibrate --fit -n 20 --batches 2 --fit-preface-us 0 --fit-handoff-us 0,7 "
      "--fit-headers-us 3 --fit-read-loop-us 0 --fit-spin-us 4 --fit-off-cpu-us 6 --json " +
      path.string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("best: --go-preface-us 0 --go-handoff-us "), std::string::npos)
      << r.output;
  std::ifstream in(path);
  const auto j = nlohmann::json::parse(in);
  ASSERT_EQ(j["candidates"].size(), 2u);
  EXPECT_EQ(j["candidates"][1]["handoff_us"], 7);
  EXPECT_EQ(j["candidates"][1]["headers_us"], 3);
  EXPECT_EQ(j["candidates"][1]["spin_us"], 4);
  EXPECT_EQ(j["candidates"][1]["off_cpu_us"], 6);
  EXPECT_EQ(j["candidates"][1]["model"]["scenario"]["go_timing"]["handoff_us"], 7);
  EXPECT_EQ(j["candidates"][1]["model"]["scenario"]["go_timing"]["off_cpu_us"], 6);
  EXPECT_EQ(j["real"]["iterations"], 20);
  for (const auto& c : j["candidates"]) EXPECT_EQ(c["model"]["iterations"], 20);
  const auto best = j["best"].get<size_t>();
  ASSERT_LT(best, 2u);
  EXPECT_LE(j["candidates"][best]["tvd"].get<double>(),
            j["candidates"][1 - best]["tvd"].get<double>());
  EXPECT_EQ(h2race("calibrate --fit -n 10 --model sequential").code, 2);
}

// report puts the model's row right above the program it models, whatever the file names' order.
TEST(Report, PlacesTheModelBesideTheProgram) {
  const fs::path dir = temp("h2race-report-pairs");
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (auto [file, client] : {std::pair{"a.json", "go1.19-net-http"}, std::pair{"b.json", "go"},
                              std::pair{"c.json", "go1.19"}}) {
    ASSERT_EQ(
        h2race(fmt::format("run -q -n 3 --client {} --json {}", client, (dir / file).string()))
            .code,
        0);
  }
  const Result r = h2race(fmt::format("report {} --md {}", dir.string(), (dir / "r.md").string()));
  ASSERT_EQ(r.code, 0) << r.output;
  std::ifstream in(dir / "r.md");
  const std::string md((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t model = md.find("-go1.19-"), program = md.find("-go1.19-net-http-"),
               other = md.find("-go-immediate");
  ASSERT_NE(model, std::string::npos) << md;
  ASSERT_NE(program, std::string::npos) << md;
  ASSERT_NE(other, std::string::npos) << md;
  EXPECT_LT(model, program) << md;
  EXPECT_LT(program, other) << md;
  fs::remove_all(dir);
}

TEST(ExternalPeers, MissingProgramExits2NamingTheClient) {
  Result r = shell("PATH=/nonexistent " + std::string(H2RACE_BIN) + " run --client curl -n 1");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--client curl"), std::string::npos) << r.output;
  r = shell("H2RACE_GO1_19_NET_HTTP=/nonexistent/go1.19-net-http " + std::string(H2RACE_BIN) +
            " run --client go1.19-net-http -n 1");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--client go1.19-net-http"), std::string::npos) << r.output;
  r = shell("PATH=/nonexistent " + std::string(H2RACE_BIN) + " run --client node -n 1");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("(package nodejs)"), std::string::npos) << r.output;
}

TEST(ExternalPeers, NghttpOverHttp1Exits2) {
  const Result r = h2race("run --client nghttp --proto h1 -n 1");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--client nghttp"), std::string::npos) << r.output;
}

// A background process with stdout in a file; killed (if still running) on destruction.
class Background {
 public:
  Background(const std::vector<std::string>& argv, const fs::path& out) {
    pid_ = fork();
    if (pid_ == 0) {
      FILE* f = std::freopen(out.c_str(), "w", stdout);
      (void)f;
      dup2(STDOUT_FILENO, STDERR_FILENO);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
  }
  ~Background() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  // Sends sig and returns the exit code (128 + signal if it died of one).
  int stop(int sig) {
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  bool running() const { return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0; }

 private:
  pid_t pid_ = -1;
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool wait_for_file(const fs::path& p) {
  return eventually([&] { return fs::exists(p) && fs::file_size(p) > 0; }, std::chrono::seconds(5),
                    std::chrono::milliseconds(25));
}

TEST(Serve, ServesAnyClientLogsTruthsAndSummarizesOnSigterm) {
  const fs::path ready = temp("h2race_serve.ready"), json = temp("h2race_serve.json"),
                 out = temp("h2race_serve.out");
  fs::remove(ready);
  fs::remove(json);
  Background serve({H2RACE_BIN, "serve", "--ready-file", ready, "--json", json}, out);
  ASSERT_TRUE(wait_for_file(ready)) << read_all(out);
  std::ifstream in(ready);
  std::string url, ca;
  std::getline(in, url);
  std::getline(in, ca);
  for (int i = 0; i < 3; ++i) {
    shell("curl -sS --http2 --cacert " + ca + " -o /dev/null " + url);
  }
  EXPECT_EQ(serve.stop(SIGTERM), 0) << read_all(out);
  const std::string log = read_all(out);
  EXPECT_NE(log.find("url " + url), std::string::npos) << log;
  EXPECT_NE(log.find("truth 127.0.0.1:"), std::string::npos) << log;
  EXPECT_NE(log.find("summary: 3 connections"), std::string::npos) << log;
  const auto j = nlohmann::json::parse(read_all(json));
  EXPECT_EQ(j["connections"], 3);
  EXPECT_EQ(j["truth"], nlohmann::json({{"tls_alert:certificate_required", 3}}));
  EXPECT_FALSE(fs::exists(ready)) << "the ready file is removed when the server stops";
}

TEST(Serve, PortInUseExits2NamingThePort) {
  const fs::path ready = temp("h2race_serve2.ready"), out = temp("h2race_serve2.out");
  fs::remove(ready);
  Background first({H2RACE_BIN, "serve", "--ready-file", ready}, out);
  ASSERT_TRUE(wait_for_file(ready)) << read_all(out);
  std::string url;
  std::getline(std::ifstream(ready) >> std::ws, url);
  const std::string port = url.substr(url.rfind(':') + 1, url.size() - url.rfind(':') - 2);
  const Result r = h2race("serve --port " + port);
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--port " + port), std::string::npos) << r.output;
}

TEST(Serve, NonLoopbackAddressExits2) {
  const Result r = h2race("serve --address 0.0.0.0");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--address 0.0.0.0"), std::string::npos) << r.output;
}

uint16_t free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

bool accepts(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  close(fd);
  return ok;
}

// nghttpd -V on the test PKI: it requires a client certificate, like the seed's server.
class NghttpdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int attempt = 0; attempt < 5 && !nghttpd_; ++attempt) {
      port_ = free_port();
      auto p = std::make_unique<Background>(
          std::vector<std::string>{"nghttpd", "--address=127.0.0.1", "-V", std::to_string(port_),
                                   files_.server_key(), files_.server_cert()},
          temp("h2race_nghttpd.out"));
      eventually([&] { return !p->running() || accepts(port_); }, std::chrono::seconds(5),
                 std::chrono::milliseconds(25));
      if (p->running() && accepts(port_)) nghttpd_ = std::move(p);
    }
    ASSERT_TRUE(nghttpd_) << "nghttpd did not start: " << read_all(temp("h2race_nghttpd.out"));
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/"; }

  Pki pki_{KeyType::kEd25519};
  PkiFiles files_{pki_};
  uint16_t port_ = 0;
  std::unique_ptr<Background> nghttpd_;
};

nlohmann::json probe_json(const std::string& name, const std::string& args) {
  const fs::path path = temp(name);
  const Result r = h2race("probe -q " + args + " --json " + path.string());
  EXPECT_EQ(r.code, 0) << args << "\n" << r.output;
  std::ifstream in(path);
  return in ? nlohmann::json::parse(in) : nlohmann::json::object();
}

TEST_F(NghttpdTest, ProbeShowsTheGoClientsClassesWithTheExpectedTruth) {
  const auto j =
      probe_json("h2race_probe.json", url() + " --ca " + files_.ca().string() +
                                          " --expect tls_alert:certificate_required -n 300");
  expect_race_classes(j, 300, kRaceClasses);
  EXPECT_EQ(j["target"]["url"], url());
}

TEST_F(NghttpdTest, ProbeWithPreferAlertAlwaysSeesTheAlert) {
  // nghttpd sends the alert before it closes, and an alert already received stays readable
  // after the RST on Linux: prefer-alert reads it whatever the writes ran into.
  const auto j =
      probe_json("h2race_probe_pa.json",
                 url() + " --ca " + files_.ca().string() +
                     " --client prefer-alert --expect tls_alert:certificate_required -n 200" +
                     // The wait ends when the alert is read: a long grace costs nothing here, and
                     // the default 100 ms could pass on a loaded machine before the read loop runs.
                     " --alert-grace-ms 30000");
  EXPECT_EQ(classes(j), (std::map<std::string, uint64_t>{{"tls_alert:certificate_required", 200}}));
  EXPECT_EQ(j["fidelity"], 1.0);
}

TEST(Probe, RemoteTargetNeedsAllowRemote) {
  const Result r = h2race("probe https://192.0.2.1/ -n 1");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--allow-remote"), std::string::npos) << r.output;
}

TEST(Probe, BadUrlOrFilesExit2NamingThem) {
  Result r = h2race("probe http://127.0.0.1:1/ -n 1");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("https://"), std::string::npos) << r.output;
  r = h2race("probe https://127.0.0.1:99999/ -n 1");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("99999"), std::string::npos) << r.output;
  r = h2race("probe https://127.0.0.1:1/ --ca /nonexistent/ca.crt -n 1");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("/nonexistent/ca.crt"), std::string::npos) << r.output;
  r = h2race("probe https://127.0.0.1:1/ --client curl -n 1");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--client curl"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace h2race
