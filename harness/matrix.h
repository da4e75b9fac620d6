// The built-in scenario matrix: the seed case and its neighbours along every axis h2race has
// (protocol, client profile, client certificate, server close policy, TLS version).
#pragma once

#include <vector>

#include "core/scenario.h"

namespace h2race {

std::vector<Scenario> builtin_matrix();

// The client zoo: every external program h2race knows (the built-in definitions and any
// --client-def) x {h2, h1} (what it speaks) x server close {immediate, linger}, no client
// certificate: which clients lose the alert, and which does linger fix.
std::vector<Scenario> zoo_matrix();

// The server zoo: the in-process models and the real clients whose key log lets the capture be
// read (kServerZooClients) x h2race's own server and every built-in server definition x {h2, h1}
// (what both speak), no client certificate; then each server's close knobs with the go model.
// A server whose TLS library takes no Ed25519 key runs with the first key type it takes.
std::vector<Scenario> servers_matrix();

}  // namespace h2race
