// External clients: real programs run as subprocesses against the run's own in-process server
// (never anything else; `probe` uses the in-process clients). Each is described by a client
// definition (core/client_definition.h): how to run it, how it answers, and the rules that
// classify its answers.
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
#include "core/client_definition.h"
#include "core/scenario.h"

namespace h2race {

struct ExternalSetup {
  const ClientDefinition* def = nullptr;
  std::filesystem::path program;
  std::string url;
  std::filesystem::path ca, cert, key;  // cert and key empty: no client certificate
  Proto proto = Proto::kH2;
  std::chrono::milliseconds timeout{5000};    // per request
  sockaddr_storage server{};                  // pairs the program's local address with the server's
  std::chrono::microseconds slow_request{0};  // > 0: the definition's slow-request-argv is added
};

// The program's argv for `count` requests: the definition's words with the placeholders filled
// in, its cert-argv when the client presents a certificate, and its slow-request-argv when the
// run slows each request.
std::vector<std::string> external_argv(const ExternalSetup& setup, uint64_t count);

// Receives each request's result as soon as the program has printed it.
using ResultSink = std::function<void(ClientResult)>;

// Runs `count` requests, each on a fresh connection, and hands one result per request to sink:
// the classified answer and, when the program tells its local address, the connection's
// 4-tuple. Results arrive while the program runs, so the caller can pair each with the server's
// truth before a later connection reuses the same 4-tuple (the server's record for it would
// replace the earlier one). count must be at most def->requests_per_process.
//
// Every request is bounded by setup.timeout (a process's first answer also by the definition's
// startup allowance): a request past it is `timeout`, the program and its process group are
// killed and reaped, and a new process runs the requests that are left. If the program stops
// early, the missing requests are `other` with what it printed; if h2race is interrupted, fewer
// than count results arrive.
void run_external(const ExternalSetup& setup, uint64_t count, const ResultSink& sink);

// One answer line of the line protocol ("<local address>\t[redials=N\t]<ok N | error TEXT>") as
// a run classifies it: an HTTP status other than 200 is http:<status>, the rest goes through the
// definition's rules; the redials field is the outcome's. local, when given, receives the first
// column. One trailing CR is ignored. `h2race classify` and the runs both call this.
Outcome classify_answer_line(const ClientDefinition& def, std::string_view line,
                             std::string* local = nullptr);

// Where the definition's program is: $H2RACE_<NAME> (the name upper-cased, '-' as '_'), next to
// the h2race binary (or its parent dir: a build dir's tests), then $PATH (a path with a '/' is
// taken as is, {dir} filled in). nullopt when it is not there.
std::optional<std::filesystem::path> find_external_program(const ClientDefinition& def);

// The first line the definition's version-argv prints, run from `program` (bounded to a few
// seconds); empty without a version-argv, or when it prints nothing or fails.
std::string external_program_version(const ClientDefinition& def,
                                     const std::filesystem::path& program);

// The first of the definition's `needs` whose file is missing, as (package, path).
std::optional<std::pair<std::string, std::string>> missing_need(const ClientDefinition& def);

// The environment variable that overrides where the program is: H2RACE_GO_NET_HTTP.
std::string program_override_variable(const ClientDefinition& def);

}  // namespace h2race
