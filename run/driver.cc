#include "run/driver.h"

#include <fmt/format.h>

#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "clients/client.h"
#include "clients/external_client.h"
#include "core/interrupt.h"
#include "core/pki_files.h"
#include "core/truth_table.h"
#include "servers/mtls_server.h"
#include "core/classes.h"

namespace h2race {
namespace {

ServerOptions server_options(const Scenario& s, int threads) {
  ServerOptions o;
  o.tls = s.tls;
  o.close = s.server_close;
  o.read_ahead = s.server_read == ServerRead::kAhead;
  o.io_timeout = s.timeout;
  o.linger = s.linger;
  o.threads = threads;
  return o;
}

// Sources rotate over 127.0.0.1 .. 127.0.0.64: 64 times the ephemeral port range per
// destination, so even a client that closes first (and keeps TIME_WAIT) never runs out.
constexpr uint32_t kLoopbackSources = 64;

ClientTarget target_for(const MtlsServer& server, SSL_CTX* ctx, const Scenario& s,
                        uint64_t iteration) {
  ClientTarget t;
  t.source_ipv4 = (127u << 24) | static_cast<uint32_t>(1 + iteration % kLoopbackSources);
  t.ctx = ctx;
  t.addr = server.address();
  t.addr_len = server.address_len();
  t.authority = fmt::format("127.0.0.1:{}", server.port());
  t.deadline = Clock::now() + s.timeout;
  t.alert_grace = s.alert_grace;
  return t;
}

std::string url_for(const MtlsServer& server) {
  return fmt::format("https://127.0.0.1:{}/", server.port());
}

// How long the driver waits for the server's record after the client is done. The server
// records before it closes or responds, so this only runs out when the server never got the
// connection (the client failed to connect or timed out).
constexpr std::chrono::milliseconds kTruthWait{1000};

}  // namespace

RunRecord run_scenario(const Scenario& scenario, const Pki& pki, const DriverHooks& hooks,
                       const Schedule* schedule) {
  const auto start = Clock::now();
  std::optional<ScheduleScope> schedule_scope;
  if (schedule) schedule_scope.emplace(*schedule);
  ignore_sigpipe();
  TruthTable truth;
  auto client_ctx = make_client_ctx(scenario, pki);
  const ClientKind kind = effective_client(scenario);
  const ClientFn client = is_external(kind) ? nullptr : client_for(kind);
  int jobs = std::max(1, scenario.jobs);

  // External programs get the PKI as files and make `batch` requests per process. One that
  // cannot say which connection was its own runs alone, so the server's only record is its.
  std::optional<PkiFiles> files;
  ExternalSetup external;
  uint64_t batch = 1;
  if (is_external(kind)) {
    auto program = find_external_program(kind);
    if (!program) throw std::runtime_error(program_name(kind) + " is not installed");
    files.emplace(pki);
    external.kind = kind;
    external.program = *program;
    external.ca = files->ca();
    external.cert = files->cert(scenario.client_cert);
    external.key = files->key(scenario.client_cert);
    external.proto = scenario.proto;
    external.timeout = scenario.timeout;
    if (!scenario.fresh_server) batch = batch_limit(kind);
    if (!reports_local_address(kind)) jobs = 1;
  }

  // One listener for the whole run; the server needs a thread per client in flight so that a
  // client never waits for another connection's handshake.
  std::unique_ptr<MtlsServer> shared;
  if (!scenario.fresh_server) {
    shared = std::make_unique<MtlsServer>(pki, server_options(scenario, jobs + 1), &truth);
  }

  // Each result goes to `sink` as soon as the client has it: an external program's connections
  // are paired with the server's truth while the program runs, before a later connection on the
  // same 4-tuple can replace the server's record.
  auto run_batch = [&](const MtlsServer& server, uint64_t first, uint64_t count,
                       const ResultSink& sink) {
    if (client) return sink(client(target_for(server, client_ctx.get(), scenario, first)));
    ExternalSetup s = external;
    s.url = url_for(server);
    s.server = server.address();
    run_external(s, count, sink);
  };

  std::atomic<uint64_t> next{0};
  std::mutex merge_mu;
  Histogram total;
  std::exception_ptr failure;

  auto worker = [&] {
    Histogram local;
    // Built once per worker: a std::function per iteration would allocate in the hot loop.
    const ResultSink pair_with_truth = [&](ClientResult r) {
      std::optional<std::string> t;
      if (r.key) {
        t = truth.take(*r.key, kTruthWait);
      } else if (client == nullptr && !reports_local_address(kind)) {
        t = truth.take_sole(kTruthWait);
      }
      const std::string truth_cls = t.value_or(std::string(cls::kUnknownTruth));
      local.add(r.outcome, truth_cls);
      if (hooks.on_iteration) hooks.on_iteration(r.outcome, truth_cls);
      if (hooks.done) hooks.done->fetch_add(1, std::memory_order_relaxed);
    };
    try {
      while (!interrupted()) {
        const uint64_t first = next.fetch_add(batch);
        if (first >= scenario.iterations) break;
        const uint64_t count = std::min(batch, scenario.iterations - first);
        // --fresh-server builds a whole new server per iteration, as the seed program does.
        std::unique_ptr<MtlsServer> fresh;
        if (!shared) fresh = std::make_unique<MtlsServer>(pki, server_options(scenario, 1), &truth);
        const MtlsServer& server = shared ? *shared : *fresh;
        run_batch(server, first, count, pair_with_truth);
      }
    } catch (...) {
      std::lock_guard lock(merge_mu);
      if (!failure) failure = std::current_exception();
    }
    std::lock_guard lock(merge_mu);
    total.merge(local);
  };

  std::vector<std::thread> threads;
  for (int i = 0; i < jobs; ++i) threads.emplace_back(worker);
  for (auto& th : threads) th.join();
  shared.reset();
  if (failure) std::rethrow_exception(failure);

  RunRecord run;
  run.scenario = scenario;
  run.histogram = std::move(total);
  run.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  run.partial = run.histogram.iterations() < scenario.iterations;
  run.env = environment_json();
  if (schedule_scope) {
    run.schedule_failures = schedule_scope->failures();
    run.first_schedule_failure = schedule_scope->first_failure();
  }
  return run;
}

}  // namespace h2race
