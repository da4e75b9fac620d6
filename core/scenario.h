// Scenario: everything that defines one h2race run, as plain fields with the defaults that
// reproduce the seed case (h2, TLS 1.3, no client certificate, go client, immediate close).
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace h2race {

enum class Proto { kH2, kH1 };
enum class TlsVersion { k13, k12 };
enum class ClientCert { kNone, kUntrusted, kExpired, kValid, kWrongUsage };
enum class ServerClose { kImmediate, kLinger, kReset };
// How the server reads the socket: `ahead` takes whatever has arrived, as Go's crypto/tls does;
// `record` one TLS record at a time, as BoringSSL's own socket BIO does. It decides whether the
// client's bytes behind its Finished are still unread when the server closes (then: RST).
enum class ServerRead { kAhead, kRecord };
enum class KeyType { kEd25519, kP256, kRsa2048 };

// Each enum has one spelling table; the CLI, JSON and scenario ids all use it.
std::string_view name(Proto v);
std::string_view name(TlsVersion v);
std::string_view name(ClientCert v);
std::string_view name(ServerClose v);
std::string_view name(ServerRead v);
std::string_view name(KeyType v);

template <typename E>
const std::vector<std::pair<std::string, E>>& spellings();
template <typename E>
std::optional<E> parse(std::string_view text);

struct Scenario {
  Proto proto = Proto::kH2;
  TlsVersion tls = TlsVersion::k13;
  ClientCert client_cert = ClientCert::kNone;
  // A client kind's name from the table in clients/client_kinds.cc, already resolved for the
  // protocol (an in-process h2 profile under --proto h1 is "h1"; resolve_client() does that).
  std::string client = "go";
  ServerClose server_close = ServerClose::kImmediate;
  ServerRead server_read = ServerRead::kAhead;
  KeyType key_type = KeyType::kEd25519;
  int jobs = 2;
  uint64_t iterations = 10000;
  std::chrono::milliseconds timeout{5000};
  std::optional<std::string> schedule;  // path of a schedule file, when one is applied
  bool fresh_server = false;
  // How long a client that prefers the alert keeps reading after a transport error; set only
  // for clients that do (resolve_client() in clients/client_kinds.h sets and clears it).
  std::optional<std::chrono::milliseconds> alert_grace;
  // The `go` model's timing: Go's CPU work between the preface flush and the request's
  // reservation (the dial goroutine handing the connection over), and between that and the
  // HEADERS write. Set only for clients that run the model (resolve_client()).
  struct GoTiming {
    std::chrono::microseconds handoff{0};
    std::chrono::microseconds headers{0};
    // handshake's last flush -> preface write
    std::chrono::microseconds preface{0};
    // the read loop runnable -> the other processor may steal it
    std::chrono::microseconds read_loop{0};
    // a woken idle processor spins this long for work
    std::chrono::microseconds spin{0};
    bool operator==(const GoTiming&) const = default;
  };
  std::optional<GoTiming> go_timing;
  std::chrono::milliseconds linger{1000};  // linger close: bound on draining the client

  // The fields that make two histograms comparable (not iterations or timeout).
  nlohmann::json to_json() const;
  static Scenario from_json(const nlohmann::json& j);  // throws std::invalid_argument
  // A file-name-safe id such as "h2-tls13-none-go-immediate-ed25519" (non-default server reads
  // and a fresh server add a suffix: "-record", "-fresh").
  std::string id() const;
};

// Client workers in flight: one limit for the CLI and for histogram files.
inline constexpr int kMaxJobs = 256;

}  // namespace h2race
