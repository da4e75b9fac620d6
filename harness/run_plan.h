// A Scenario resolved once into what runs it: the client kind (a row of the table in
// clients/client_kinds.cc), the external program found on disk, how many clients run at once,
// and the schedule as an object. `run`, `replay`, `soak`, `probe`, `calibrate`, `matrix` and the
// schedule fuzzer build a plan first and hand it down; nothing below looks a name up again.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>

#include "clients/client_kinds.h"
#include "clients/external_client.h"
#include "core/pki_files.h"
#include "core/scenario.h"
#include "core/schedule.h"
#include "servers/server_kinds.h"

namespace h2race {

// A scenario that cannot run: an unknown client, one that does not speak the protocol, a program
// that is not installed or cannot present a certificate. The message is for the user (exit 2).
struct PlanError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RunPlan {
  Scenario scenario;  // as resolve_client left it
  const ClientKindInfo* kind = nullptr;
  // An external program's executable, found once; empty for an in-process client.
  std::optional<std::filesystem::path> program;
  // What the program's version-argv printed (e.g. "go1.26.8"); the JSON's env records it.
  std::string program_version;
  // Client workers in flight: a program that cannot say which connection was its own runs alone,
  // so the server's only record is its.
  int jobs = 1;
  bool sole() const { return kind->program && !kind->program->reports_local_address(); }
  // Every iteration runs under it when set.
  std::optional<Schedule> schedule{};
  // A real server (scenario.server), its program found once and its version; unset for
  // h2race's own server.
  const ServerDefinition* server = nullptr;
  std::filesystem::path server_program;
  std::string server_version;
  // calibrate --warm-up: each process of the program first makes this many requests, which are
  // not counted (their connections' truths are taken and dropped). A young Go process answers
  // differently from a settled one (docs/go-model.md); 0 counts every answer.
  uint64_t warm_up = 0;
};

struct PlanRequest {
  std::optional<Schedule> schedule{};
  // --explain: timelines are recorded, which only an in-process client's connections have.
  bool explain = false;
};

// Resolves s (whose client and protocol resolve_client reconciled). Throws PlanError.
RunPlan plan_run(const Scenario& s, PlanRequest request = {});

// What the plan's external program is told, from its definition and the scenario, with the PKI as
// files: everything but the server's url and address, which are the run's.
ExternalSetup external_setup(const RunPlan& plan, const PkiFiles& files);

}  // namespace h2race
