// The order of operations of Go's http2 Transport, shared by the `go` profile and by profiles
// that differ from it only in which error they report (`prefer-alert`).
#pragma once

#include <functional>

#include "clients/client.h"

namespace h2race {

// Called with the error that would end the iteration after the handshake; returns what the
// profile reports instead (the `go` profile reports it unchanged).
using SettleError = std::function<Outcome(TlsClientConn& conn, Outcome error)>;

ClientResult run_go_sequence(const ClientTarget& t, const SettleError& settle);

}  // namespace h2race
