#include "harness/external_server_run.h"

#include <fmt/format.h>

#include <cstdlib>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "clients/client.h"
#include "core/classes.h"
#include "core/input_file.h"
#include "core/interrupt.h"
#include "core/output_file.h"
#include "core/pcapng.h"
#include "core/pki_files.h"
#include "harness/external_server.h"
#include "harness/packet_capture.h"
#include "harness/wire_truth.h"

namespace h2race {
namespace {

// The clients' TLS key log: what lets tshark read the server's encrypted records.
struct Keylog {
  std::mutex mu;
  std::string text;
  static void append(const SSL* ssl, const char* line) {
    auto* self = static_cast<Keylog*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
    std::lock_guard lock(self->mu);
    self->text += line;
    self->text += '\n';
  }
};

// An external client writes its key log where SSLKEYLOGFILE says (curl, httpx, the Go client
// program, the Rust adapters), Node where --tls-keylog does. Set for the run's child processes
// and restored after it.
class ClientKeylogEnvironment {
 public:
  explicit ClientKeylogEnvironment(const std::filesystem::path& file) {
    save("SSLKEYLOGFILE");
    save("NODE_OPTIONS");
    setenv("SSLKEYLOGFILE", file.c_str(), 1);
    const std::string node = fmt::format("{}{}--tls-keylog={}", saved_[1].second.value_or(""),
                                         saved_[1].second ? " " : "", file.string());
    setenv("NODE_OPTIONS", node.c_str(), 1);
  }
  ~ClientKeylogEnvironment() {
    for (const auto& [name, value] : saved_) {
      value ? setenv(name.c_str(), value->c_str(), 1) : unsetenv(name.c_str());
    }
  }
  ClientKeylogEnvironment(const ClientKeylogEnvironment&) = delete;
  ClientKeylogEnvironment& operator=(const ClientKeylogEnvironment&) = delete;

 private:
  void save(const char* name) {
    const char* v = std::getenv(name);
    saved_.emplace_back(name, v ? std::optional<std::string>(v) : std::nullopt);
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

}  // namespace

RunRecord run_on_external_server(const RunPlan& plan, const Pki& pki, const DriverHooks& hooks,
                                 const ExternalServerRunOptions& options) {
  ignore_sigpipe();
  const Scenario& scenario = plan.scenario;
  const ClientKindInfo& kind = *plan.kind;
  PacketCapture capture(/*keep_all=*/true);  // before the server: a failure to capture is early
  ExternalServer server(*plan.server, plan.server_program, pki, scenario.server_knob);
  capture.start(server.port());

  Keylog keylog;
  auto client_ctx = make_client_ctx(scenario, pki);
  SSL_CTX_set_app_data(client_ctx.get(), &keylog);
  SSL_CTX_set_keylog_callback(client_ctx.get(), &Keylog::append);
  const std::filesystem::path program_keylog = server.dir() / "client-keys.txt";
  std::optional<ClientKeylogEnvironment> keylog_env;
  std::optional<PkiFiles> files;
  ExternalSetup ext;
  if (kind.program) {
    keylog_env.emplace(program_keylog);
    files.emplace(pki);
    ext = external_setup(plan, *files);
    ext.url = fmt::format("https://127.0.0.1:{}/", server.port());
    ext.server = server.address();
  }

  // Outcomes wait for the capture to be read; each keeps its connection's 4-tuple.
  std::mutex results_mu;
  std::vector<ClientResult> results;
  auto make_worker = [&](const Record& record) -> BatchFn {
    auto keep = [&](ClientResult r) {
      record(r.outcome, cls::kUnknownTruth);  // counts progress; the histogram is made below
      std::lock_guard lock(results_mu);
      results.push_back(std::move(r));
    };
    return [&, keep, sink = ResultSink(keep)](uint64_t first, uint64_t count) {
      if (kind.run) {
        return keep(kind.run(client_target(scenario, client_ctx.get(), server.address(),
                                           server.address_len(),
                                           fmt::format("127.0.0.1:{}", server.port()), first,
                                           /*rotate_source=*/true)));
      }
      run_external(ext, count, sink);
    };
  };
  const uint64_t batch = kind.program ? kind.program->requests_per_process : 1;
  RunRecord run = run_iterations(scenario, plan.jobs, batch, hooks, make_worker);
  const bool died = server.exited_early();
  server.stop();
  keylog_env.reset();

  std::string secrets = keylog.text;
  if (kind.program && std::filesystem::exists(program_keylog)) {
    secrets += read_input_file(program_keylog, size_t{1} << 30);
  }
  const std::string pcap =
      pcapng_bytes(capture.linktype(), PacketCapture::kSnapLength, secrets, capture.finish());
  const std::filesystem::path capture_file = server.dir() / "run.pcapng";
  write_output_file(capture_file, pcap, 0600);
  if (!options.pcap.empty()) write_output_file(options.pcap, pcap, 0600);
  // Interrupted, or tshark failed: the clients' answers are kept (their truth `unknown`) and
  // the reason is in the JSON, not a lost run.
  WireTruth wire;
  if (interrupted()) {
    run.env["wire_truth_error"] = "interrupted before the capture was read";
  } else {
    try {
      wire = WireTruth::read(capture_file, server.port());
    } catch (const std::runtime_error& e) {
      run.env["wire_truth_error"] = e.what();
    }
  }

  Histogram paired;
  std::map<std::string, uint64_t> closes;
  for (const ClientResult& r : results) {
    std::optional<WireRecord> w = r.key ? wire.take(*r.key) : std::nullopt;
    paired.add(r.outcome, w ? w->truth : std::string(cls::kUnknownTruth));
    ++closes[w ? w->close : "not in the capture"];
  }
  run.histogram = std::move(paired);
  run.partial = run.histogram.iterations() < scenario.iterations || interrupted();
  run.env["server_program"] = {{"name", plan.server->name},
                               {"package", plan.server->package},
                               {"path", plan.server_program.string()},
                               {"version", plan.server_version},
                               {"knob", scenario.server_knob},
                               {"exited_during_run", died}};
  run.env["server_closes"] = closes;
  // Non-zero: some connections' packets are missing, and their truth is `unknown`.
  run.env["capture_dropped_packets"] = capture.dropped();
  if (kind.program) {
    run.env["client_program"] = {{"name", kind.program->name},
                                 {"path", plan.program->string()},
                                 {"version", plan.program_version}};
  }
  return run;
}

}  // namespace h2race
