// A run against a real server program (--server NAME): the server started from its definition,
// the clients run against it while loopback is captured, and each client's outcome paired
// afterwards with the truth read from the wire (harness/wire_truth.h) for its connection.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/pki.h"
#include "core/run_record.h"
#include "harness/iterations.h"
#include "harness/run_plan.h"

namespace h2race {

// The capture and the answers wait in memory for tshark (a few KiB per connection): a run against
// a real server has at most this many iterations (more is exit 2 in the CLI, never cut short).
inline constexpr uint64_t kMaxExternalServerIterations = 200'000;

struct ExternalServerRunOptions {
  // Where the whole capture goes (with every connection's TLS secrets); empty: nowhere.
  std::filesystem::path pcap;
};

// plan.server must be set. Throws ServerStartError (harness/external_server.h) when the server
// does not start, std::runtime_error when the capture cannot be opened or read. Ctrl-C stops the
// clients and the server; what ran is paired and returned (partial).
RunRecord run_on_external_server(const RunPlan& plan, const Pki& pki, const DriverHooks& hooks,
                                 const ExternalServerRunOptions& options = {});

}  // namespace h2race
