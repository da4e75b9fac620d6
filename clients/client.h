// The client side of one iteration. Each profile is one function in its own file; all share
// TlsClientConn for I/O and differ only in the order of their writes and reads and in which
// error they report when several happen.
#pragma once

#include <netinet/in.h>
#include <openssl/ssl.h>

#include <optional>
#include <string>

#include "clients/tls_client_conn.h"
#include "core/outcome.h"
#include "core/pki.h"
#include "core/scenario.h"
#include "core/truth_table.h"

namespace h2race {

// prefer-alert: how long to keep reading for an alert after a transport error, by default.
inline constexpr std::chrono::milliseconds kDefaultAlertGrace{100};

struct ClientTarget {
  SSL_CTX* ctx = nullptr;
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  std::string authority;  // host:port for :authority / Host
  Clock::time_point deadline;
  std::chrono::milliseconds alert_grace = kDefaultAlertGrace;  // prefer-alert
  // Loopback source address to bind before connecting (0 = let the kernel choose). Rotating it
  // over 127.0.0.0/8 multiplies the 4-tuple space, so TIME_WAIT never exhausts the ports.
  uint32_t source_ipv4 = 0;
  Scenario::GoTiming go_timing;               // the `go` model's CPU work (clients/go_model.h)
  std::chrono::microseconds slow_request{0};  // Scenario::slow_request (the go models)
};

struct ClientResult {
  Outcome outcome;
  std::optional<ConnKey> key;  // the connection's 4-tuple, when it got that far
};

// Where one iteration's client connects, with the scenario's bounds. rotate_source spreads the
// connections over 127.0.0.1..64 (only for a loopback IPv4 destination).
ClientTarget client_target(const Scenario& s, SSL_CTX* ctx, const sockaddr_storage& addr,
                           socklen_t addr_len, std::string authority, uint64_t iteration,
                           bool rotate_source);

// Connects and handshakes conn as t says; the iteration's result when either fails.
std::optional<ClientResult> open_connection(TlsClientConn& conn, const ClientTarget& t);

ClientResult run_go_client(const ClientTarget& target);
ClientResult run_go119_client(const ClientTarget& target);
ClientResult run_sequential_client(const ClientTarget& target);
ClientResult run_h1_client(const ClientTarget& target);
ClientResult run_prefer_alert_client(const ClientTarget& target);

using ClientFn = ClientResult (*)(const ClientTarget&);

// One SSL_CTX per run, shared by all workers: trusts the test CA, offers ALPN for the protocol,
// presents the scenario's client certificate (if any).
bssl::UniquePtr<SSL_CTX> make_client_ctx(const Scenario& scenario, const Pki& pki);
// For `probe`: trusts the CAs in ca_file, presents cert_file/key_file when given. Throws
// std::invalid_argument naming the file that cannot be loaded.
bssl::UniquePtr<SSL_CTX> make_probe_ctx(const Scenario& scenario, const std::string& ca_file,
                                        const std::string& cert_file, const std::string& key_file);

}  // namespace h2race
