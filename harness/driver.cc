// The driver: one plan's iterations against the in-process server (shared, or one per iteration),
// each client outcome paired with the truth the server recorded for the same 4-tuple.
#include "harness/driver.h"

#include <fmt/format.h>

#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "clients/go_runtime.h"
#include "core/classes.h"
#include "core/inject.h"
#include "core/interrupt.h"
#include "core/pki_files.h"
#include "core/truth_table.h"
#include "harness/external_server_run.h"
#include "harness/packet_capture.h"
#include "servers/mtls_server.h"

namespace h2race {
namespace {

// How long the driver waits for the server's record after the client is done. The server
// records before it closes or responds, so this only runs out when the server never got the
// connection (the client failed to connect or timed out).
constexpr std::chrono::milliseconds kTruthWait{1000};

// An external program's setup, the PKI as files for it; empty for in-process clients.
struct External {
  std::optional<PkiFiles> files;
  ExternalSetup setup;
};

void prepare_external(const RunPlan& plan, const Pki& pki, External& ext) {
  ext.files.emplace(pki);
  ext.setup = external_setup(plan, *ext.files);
}

// The run itself: `shared` is the server for every iteration, or null for a fresh server per
// iteration (then truth is the table those servers record into).
RunRecord run_iterations_on(const RunPlan& plan, const Pki& pki, MtlsServer* shared,
                            TruthTable& truth, const DriverHooks& hooks) {
  ignore_sigpipe();
  const Scenario& scenario = plan.scenario;
  const ClientKindInfo& kind = *plan.kind;
  auto client_ctx = make_client_ctx(scenario, pki);
  if (hooks.capture) {
    if (!shared)
      throw std::runtime_error("--pcap needs one server for the run (not --fresh-server)");
    hooks.capture->start(shared->port());
    // The key log goes into the connection's timeline; keep_example takes it out again.
    SSL_CTX_set_keylog_callback(client_ctx.get(),
                                [](const SSL*, const char* line) { note(kKeylogEvent, line); });
  }
  // External programs get the PKI as files and make a batch of requests per process. One that
  // cannot say which connection was its own runs alone, so the server's only record is its.
  const int jobs = plan.jobs;
  const bool sole = plan.sole();
  // The go models' CPU work scales with this machine's speed, measured once before the first
  // iteration so that no iteration pays for it.
  const MachineSpeed* speed = scenario.go_timing ? &machine_speed() : nullptr;
  uint64_t batch = 1;
  External ext;
  if (kind.program) {
    prepare_external(plan, pki, ext);
    if (shared) batch = kind.program->requests_per_process;
  }

  ExampleKeeper examples;

  // Each result is paired with the server's truth as soon as the client has it: an external
  // program's connections are paired while the program runs, before a later connection on the
  // same 4-tuple can replace the server's record.
  auto make_worker = [&](const Record& record) -> BatchFn {
    // Takes the server's record of r's connection, so that a later connection on the same 4-tuple
    // is not paired with it, and forgets the connection's timeline unless it is offered as an
    // example: timelines may be recorded for another scenario on this server (calibrate's
    // model), and a program is another process, so the server's half would stay.
    auto settle = [&, sole](const ClientResult& r, bool offered) {
      std::optional<std::string> t;
      if (r.key) {
        t = truth.take(*r.key, kTruthWait);
      } else if (sole) {
        t = truth.take_sole(kTruthWait);
      }
      if (r.key && !offered && explaining()) forget_connection(*r.key);
      return t;
    };
    auto pair_with_truth = [&, settle](ClientResult r, uint64_t iteration = 0) {
      const bool offered = r.key && hooks.explain;
      const std::optional<std::string> t = settle(r, offered);
      if (offered) examples.offer(r.outcome.cls, *r.key, iteration, kTruthWait, hooks.capture);
      record(r.outcome, t ? *t : cls::kUnknownTruth);
    };
    return [&, settle, pair_with_truth, sink = ResultSink(pair_with_truth)](uint64_t first,
                                                                            uint64_t count) {
      // --fresh-server builds a whole new server per iteration, as the seed program does.
      std::unique_ptr<MtlsServer> fresh;
      if (!shared) fresh = std::make_unique<MtlsServer>(pki, server_options(scenario, 1), &truth);
      const MtlsServer& server = shared ? *shared : *fresh;
      if (kind.run) {
        return pair_with_truth(
            kind.run(client_target(scenario, client_ctx.get(), server.address(),
                                   server.address_len(), fmt::format("127.0.0.1:{}", server.port()),
                                   first,
                                   /*rotate_source=*/true)),
            first);
      }
      ExternalSetup s = ext.setup;
      s.url = fmt::format("https://127.0.0.1:{}/", server.port());
      s.server = server.address();
      if (plan.warm_up == 0) return run_external(s, count, sink);
      // The process's first answers are its warm-up: settled with the server, not counted.
      uint64_t warming = plan.warm_up;
      run_external(s, count + plan.warm_up, [&](ClientResult r) {
        if (warming == 0) return sink(std::move(r));
        --warming;
        settle(r, /*offered=*/false);
      });
    };
  };
  RunRecord run = run_iterations(scenario, jobs, batch, hooks, make_worker);
  run.examples = examples.take();
  if (speed) {
    run.env["go_model_speed"] = {{"reference_ns", speed->reference.count()},
                                 {"at_fit_ns", speed->at_fit.count()},
                                 {"factor", speed->factor}};
    // Go's GOMAXPROCS here, which the model follows up to two processors.
    run.env["go_maxprocs"] = go_maxprocs();
  }
  if (kind.program) {
    // Which build of the program this histogram is of (a Go client's `go version`).
    run.env["client_program"] = {{"name", kind.program->name},
                                 {"path", plan.program->string()},
                                 {"version", plan.program_version},
                                 {"warm_up", plan.warm_up}};
  }
  return run;
}

}  // namespace

SharedServer::SharedServer(const Scenario& s, const Pki& pki, int jobs)
    // The server needs a thread per client in flight so that a client never waits for another
    // connection's handshake.
    : server(std::make_unique<MtlsServer>(pki, server_options(s, jobs + 1), &truth)) {}

SharedServer::~SharedServer() = default;

RunRecord run_scenario_on(const RunPlan& plan, const Pki& pki, SharedServer& shared,
                          const DriverHooks& hooks) {
  return run_iterations_on(plan, pki, shared.server.get(), shared.truth, hooks);
}

RunRecord run_scenario(const RunPlan& plan, const Pki& pki, const DriverHooks& hooks) {
  if (plan.server) return run_on_external_server(plan, pki, hooks);
  const RecordingScope recording(plan.schedule ? &*plan.schedule : nullptr, hooks.explain,
                                 plan.scenario.timeout);
  RunRecord run;
  if (plan.scenario.fresh_server) {
    TruthTable truth;
    run = run_iterations_on(plan, pki, nullptr, truth, hooks);
  } else {
    // One listener for the whole run.
    SharedServer shared(plan.scenario, pki, plan.jobs);
    run = run_scenario_on(plan, pki, shared, hooks);
  }
  run.schedule_failures = recording.failures();
  run.first_schedule_failure = recording.first_failure();
  return run;
}

}  // namespace h2race
