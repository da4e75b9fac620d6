#include "harness/run_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>

#include "harness/external_server.h"
#include "harness/external_server_run.h"

namespace h2race {
namespace {

// The flag a user named the client with: a built-in program by --client, their own by
// --client-def (scripts/setup knows nothing of its package).
bool builtin(const ClientDefinition& def) {
  std::error_code ec;
  const auto dir = builtin_definition_dir();
  return dir && std::filesystem::equivalent(*dir, def.dir, ec);
}

std::filesystem::path find_program(const Scenario& s, const ClientDefinition& def) {
  const bool is_builtin = builtin(def);
  const std::string flag = is_builtin ? fmt::format("--client {}", def.name)
                                      : fmt::format("--client-def ({})", def.name);
  const std::string installs = is_builtin ? "scripts/setup installs it" : "its definition says";
  auto program = find_external_program(def);
  if (!program) {
    const std::string where =
        def.program.find('/') != std::string::npos
            ? ""
            : fmt::format(" (${}, next to h2race, or in $PATH)", program_override_variable(def));
    throw PlanError(fmt::format("{}: program {} not found{}; {} (package {})", flag, def.program,
                                where, installs, def.package));
  }
  if (auto need = missing_need(def)) {
    throw PlanError(
        fmt::format("{}: {} is missing; {} ({})", flag, need->second, installs, need->first));
  }
  if (s.client_cert != ClientCert::kNone && def.cert_argv.empty()) {
    throw PlanError(fmt::format(
        "--client {}: its definition has no cert-argv, so it cannot present a certificate",
        def.name));
  }
  return *program;
}

// --server NAME: the definition, its program and its package, and what the run can ask of it.
void resolve_server(RunPlan& plan) {
  const Scenario& s = plan.scenario;
  plan.server = find_server(s.server);
  if (!plan.server) {
    throw PlanError(fmt::format("--server {}: not one of {}", s.server, server_names()));
  }
  const ServerDefinition& def = *plan.server;
  if (!(s.proto == Proto::kH2 ? def.speaks_h2 : def.speaks_h1)) {
    throw PlanError(fmt::format("--server {} does not speak {}", def.name, name(s.proto)));
  }
  if (!s.server_knob.empty() && !def.knobs.count(s.server_knob)) {
    std::string knobs;
    for (const auto& [k, text] : def.knobs) knobs += (knobs.empty() ? "" : ", ") + k;
    throw PlanError(fmt::format("--server-knob {}: server {} has {}", s.server_knob, def.name,
                                knobs.empty() ? "no knobs" : "only " + knobs));
  }
  if (!def.keys.empty() &&
      std::find(def.keys.begin(), def.keys.end(), name(s.key_type)) == def.keys.end()) {
    std::string keys;
    for (const auto& k : def.keys) keys += (keys.empty() ? "" : "|") + k;
    throw PlanError(
        fmt::format("--key {}: server {} takes only --key {}", name(s.key_type), def.name, keys));
  }
  const auto program = find_server_program(def);
  if (!program) {
    throw PlanError(fmt::format(
        "--server {}: program {} not found; {} (package {})", def.name, def.program,
        is_builtin_server(def) ? "scripts/setup installs it" : "its definition says", def.package));
  }
  if (s.iterations > kMaxExternalServerIterations) {
    throw PlanError(fmt::format(
        "-n {}: with --server {} at most {} (the capture waits in memory for tshark; run it in "
        "parts and `h2race merge` them)",
        s.iterations, def.name, kMaxExternalServerIterations));
  }
  plan.server_program = *program;
  plan.server_version = server_version(def, *program);
  if (plan.kind->program && !plan.kind->program->reports_local_address()) {
    throw PlanError(fmt::format(
        "--client {} with --server {}: the client does not report its local address, so its "
        "connections cannot be found in the capture (use a client that does)",
        s.client, def.name));
  }
}

}  // namespace

RunPlan plan_run(const Scenario& s, PlanRequest request) {
  RunPlan plan;
  plan.scenario = s;
  plan.kind = find_client(s.client);
  if (!plan.kind) {
    throw PlanError(fmt::format("--client {}: not one of {}", s.client, client_names()));
  }
  if (!speaks(*plan.kind, s.proto)) {
    throw PlanError(fmt::format("--client {} does not speak {}", s.client, name(s.proto)));
  }
  // Before the program's search: a program that is not installed would hide this refusal.
  if (request.explain && !plan.kind->run) {
    throw PlanError(
        fmt::format("--explain: --client {} is a separate process; its events cannot be recorded "
                    "(use an in-process client)",
                    s.client));
  }
  if (plan.kind->program) {
    plan.program = find_program(s, *plan.kind->program);
    plan.program_version = external_program_version(*plan.kind->program, *plan.program);
  }
  if (!s.server.empty() && s.server != kOwnServer) resolve_server(plan);
  plan.jobs = plan.sole() ? 1 : std::max(1, s.jobs);
  plan.schedule = std::move(request.schedule);
  return plan;
}

ExternalSetup external_setup(const RunPlan& plan, const PkiFiles& files) {
  const Scenario& s = plan.scenario;
  ExternalSetup setup;
  setup.def = plan.kind->program;
  setup.program = *plan.program;
  setup.ca = files.ca();
  setup.cert = files.cert(s.client_cert);
  setup.key = files.key(s.client_cert);
  setup.proto = s.proto;
  setup.timeout = s.timeout;
  setup.slow_request = s.slow_request;
  return setup;
}

}  // namespace h2race
