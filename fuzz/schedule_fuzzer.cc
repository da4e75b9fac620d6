// libFuzzer target: input bytes -> (client, certificate, schedule) -> one iteration against a
// persistent in-process server. A *finding* is a client class that differs from the server's
// truth: the first one of each class is written as a replayable schedule file
// ($H2RACE_FINDINGS_DIR, default ./findings, named <class>.sched) and the process aborts so that
// libFuzzer keeps the input too; findings of an already-recorded class are only counted.
// H2RACE_FINDINGS_ABORT=0 records findings without aborting (smoke runs: then any crash is a
// real defect of the harness).
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <utility>

#include "clients/client_kinds.h"
#include "core/file_error.h"
#include "core/inject.h"
#include "core/input_file.h"
#include "core/interrupt.h"
#include "core/output_file.h"
#include "core/pki.h"
#include "core/truth_table.h"
#include "fuzz/fuzz_schedule_input.h"
#include "servers/mtls_server.h"

namespace h2race {
namespace {

struct FuzzEnv {
  Pki pki{KeyType::kEd25519};
  TruthTable truth;
  std::unique_ptr<MtlsServer> server;
  std::map<std::string, bssl::UniquePtr<SSL_CTX>> client_ctx;  // by scenario id
  std::filesystem::path findings;
  bool abort_on_finding = true;
};

FuzzEnv* env = nullptr;

SSL_CTX* client_ctx(const Scenario& s) {
  auto& ctx = env->client_ctx[s.id()];
  if (!ctx) ctx = make_client_ctx(s, env->pki);
  return ctx.get();
}

// Each distinct (truth, class) pair reaches its own function, hence its own coverage edge, so
// coverage guidance keeps an input that reaches a pair no earlier input reached.
constexpr int kPairPaths = 32;
volatile int pair_sink;

template <int N>
__attribute__((noinline)) void reach_pair() {
  pair_sink = N;
}

template <int... N>
constexpr std::array<void (*)(), sizeof...(N)> pair_table(std::integer_sequence<int, N...>) {
  return {&reach_pair<N>...};
}

void pair_path(int id) {
  static constexpr auto kTable = pair_table(std::make_integer_sequence<int, kPairPaths>());
  if (id >= 0 && id < kPairPaths) kTable[id]();
}

int pair_id(const std::string& truth, const std::string& cls) {
  static std::map<std::pair<std::string, std::string>, int> ids;
  return ids.emplace(std::make_pair(truth, cls), static_cast<int>(ids.size())).first->second;
}

struct Iteration {
  bool valid = false;  // the schedule held and the server's truth is known
  Outcome outcome;
  std::string truth;
};

Iteration run_once(const FuzzCase& fc) {
  Iteration it;
  ClientResult r;
  std::optional<std::string> truth;
  ScheduleScope scope(fc.schedule);
  Scenario s = fc.scenario;
  s.timeout = std::chrono::seconds(2);
  const ClientTarget t =
      client_target(s, client_ctx(fc.scenario), env->server->address(), env->server->address_len(),
                    fmt::format("127.0.0.1:{}", env->server->port()), 0,
                    /*rotate_source=*/false);
  r = find_client(fc.scenario.client)->run(t);
  if (r.key) truth = env->truth.take(*r.key, std::chrono::seconds(2));
  // The server must be done with the connection before the schedule it reads goes away.
  const auto bound = Clock::now() + std::chrono::seconds(5);
  while (env->server->completed() < env->server->connections() && Clock::now() < bound) {
    std::this_thread::sleep_for(std::chrono::microseconds(20));
  }
  it.valid = scope.failures() == 0 && truth.has_value();
  it.outcome = std::move(r.outcome);
  if (truth) it.truth = *truth;
  return it;
}

constexpr int kConfirmRuns = 10;

// "# replay rate: N/10" from an earlier finding of the same class, or -1.
int recorded_rate(const std::filesystem::path& path) {
  std::string text;
  try {
    text = read_input_file(path, kMaxScheduleBytes);
  } catch (const FileError&) {
    return -1;
  }
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    int n = 0;
    if (std::sscanf(line.c_str(), "# replay rate: %d/", &n) == 1) return n;
  }
  return -1;
}

// Re-runs the finding to learn how reliably it reproduces, and keeps per class the schedule
// that reproduces best, so the findings directory converges to usable reproducers.
void record_finding(const FuzzCase& fc, const Iteration& first) {
  const std::string& cls = first.outcome.cls;
  const auto path = env->findings / (cls + ".sched");
  const bool new_class = !std::filesystem::exists(path);
  // Natural races make most inputs findings; confirming each would cost 10 runs per exec.
  // A known class gets at most one confirmation attempt per second.
  static std::map<std::string, Clock::time_point> last_confirm;
  auto& last = last_confirm[cls];
  if (!new_class && Clock::now() - last < std::chrono::seconds(1)) return;
  last = Clock::now();
  int same = 0;
  for (int i = 0; i < kConfirmRuns; ++i) {
    const Iteration again = run_once(fc);
    if (again.valid && again.outcome.cls == cls) ++same;
  }
  if (!new_class && same <= recorded_rate(path)) return;
  Schedule s = fc.schedule;
  s.expect = cls;
  std::filesystem::create_directories(env->findings);
  write_output_file(
      path, fmt::format("# found by schedule_fuzzer: truth {}, client saw: {}\n", first.truth,
                        first.outcome.raw) +
                fmt::format("# replay rate: {}/{} in the fuzzer\n", same, kConfirmRuns) +
                s.format());
  fmt::print(stderr, "h2race finding: {} (truth {}, replays {}/{}) -> {}\n", cls, first.truth, same,
             kConfirmRuns, path.string());
  if (new_class && env->abort_on_finding) std::abort();
}

}  // namespace
}  // namespace h2race

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  using namespace h2race;
  ignore_sigpipe();
  env = new FuzzEnv();
  ServerOptions opts;
  opts.threads = 2;
  opts.io_timeout = std::chrono::seconds(2);
  env->server = std::make_unique<MtlsServer>(env->pki, opts, &env->truth);
  const char* dir = std::getenv("H2RACE_FINDINGS_DIR");
  env->findings = dir ? dir : "findings";
  const char* abort_env = std::getenv("H2RACE_FINDINGS_ABORT");
  env->abort_on_finding = !(abort_env && std::string(abort_env) == "0");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace h2race;
  const FuzzCase fc = decode_fuzz_input(data, size);
  const Iteration it = run_once(fc);
  if (!it.valid) return 0;  // a schedule that did not hold proves nothing
  pair_path(pair_id(it.truth, it.outcome.cls));
  if (it.outcome.cls != it.truth) record_finding(fc, it);
  return 0;
}
