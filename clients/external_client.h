// External clients: curl, nghttp and go-net-http (clients/go/) run as subprocesses against the
// run's own in-process server (never anything else; `probe` uses the in-process clients). Their
// answers are classified by the rule tables in harness/external_rules.h.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "clients/client.h"
#include "core/scenario.h"

namespace h2race {

struct ExternalSetup {
  ClientKind kind = ClientKind::kCurl;
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
// the classified answer and, when the program tells its local address (curl, go-net-http), the
// connection's 4-tuple. Results arrive while the program runs, so the caller can pair each with
// the server's truth before a later connection reuses the same 4-tuple (the server's record
// for it would replace the earlier one). curl and nghttp make one request per process, so count
// must be 1 for them (see batch_limit). If the program stops early, the missing requests are
// `other` with what it printed; if h2race is interrupted, fewer than count results arrive.
void run_external(const ExternalSetup& setup, uint64_t count, const ResultSink& sink);

// How many requests one process of that program makes: go-net-http takes -n, the others one.
uint64_t batch_limit(ClientKind kind);

// Whether the program reports each connection's local address (nghttp does not).
bool reports_local_address(ClientKind kind);

// The program's name as users install it, for messages.
std::string program_name(ClientKind kind);

// Where the program is: go-net-http from $H2RACE_GO_NET_HTTP, next to the h2race binary (the
// build dir) or $PATH; curl and nghttp from $PATH. nullopt when it is not installed.
std::optional<std::filesystem::path> find_external_program(ClientKind kind);

}  // namespace h2race
