// External clients: real programs run as subprocesses against the run's own in-process server
// (never anything else; `probe` uses the in-process clients). Their answers are classified by the
// rule tables in core/external_rules.h.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clients/client.h"
#include "core/scenario.h"

namespace h2race {

struct ExternalSetup;

// What h2race knows about one external program. One request per process (exit code + stderr are
// the answer) unless it speaks the line protocol: one "<local address>\t<ok N | error TEXT>"
// line per request, for a batch of requests per process (clients/go/main.go).
struct ExternalProgram {
  std::string_view program;  // the executable's name
  std::string_view package;  // the Debian package that provides it
  uint64_t batch = 1;        // requests per process
  bool reports_local_address = true;
  bool line_protocol = false;
  bool built_by_h2race = false;  // found next to h2race or via $H2RACE_GO_NET_HTTP
  std::vector<std::string> (*argv)(const ExternalSetup& setup, uint64_t count) = nullptr;
};

extern const ExternalProgram kCurlProgram;
extern const ExternalProgram kNghttpProgram;
extern const ExternalProgram kGoNetHttpProgram;

struct ExternalSetup {
  std::string client;  // the client kind's name, which selects the rule table
  const ExternalProgram* def = nullptr;
  std::filesystem::path program;
  std::string url;
  std::filesystem::path ca, cert, key;  // cert and key empty: no client certificate
  Proto proto = Proto::kH2;
  std::chrono::milliseconds timeout{5000};  // per request
  sockaddr_storage server{};                // pairs the program's local address with the server's
};

// Receives each request's result as soon as the program has printed it.
using ResultSink = std::function<void(ClientResult)>;

// Runs `count` requests, each on a fresh connection, and hands one result per request to sink:
// the classified answer and, when the program tells its local address, the connection's
// 4-tuple. Results arrive while the program runs, so the caller can pair each with the server's
// truth before a later connection reuses the same 4-tuple (the server's record for it would
// replace the earlier one). count must be at most def->batch. If the program stops early, the
// missing requests are `other` with what it printed; if h2race is interrupted, fewer than count
// results arrive.
void run_external(const ExternalSetup& setup, uint64_t count, const ResultSink& sink);

// Where the program is: a program h2race builds from $H2RACE_GO_NET_HTTP, next to the h2race
// binary (the build dir) or $PATH; the others from $PATH. nullopt when it is not installed.
std::optional<std::filesystem::path> find_external_program(const ExternalProgram& def);

}  // namespace h2race
