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
  // The `go` model's timing (clients/go_model.cc; kGoTimingFields below says what each is). Set
  // only for clients that run the model (resolve_client()).
  struct GoTiming {
    std::chrono::microseconds handoff{0};
    std::chrono::microseconds headers{0};
    std::chrono::microseconds preface{0};
    std::chrono::microseconds read_loop{0};
    std::chrono::microseconds spin{0};
    std::chrono::microseconds off_cpu{0};
    bool operator==(const GoTiming&) const = default;
  };
  std::optional<GoTiming> go_timing;
  // A diagnostic, 0 (off) unless --slow-request-us: the client busy-waits this long (wall clock)
  // once its request holds the connection, where Go's httptrace GotConn fires, before the stream's
  // ID. Only the go models and the programs whose definition has slow-request-argv (Go's net/http
  // client) do it; docs/go-model.md, "Go's answer to a slower request", says what it is for.
  std::chrono::microseconds slow_request{0};
  std::chrono::milliseconds linger{1000};  // linger close: bound on draining the client
  // A real server program (a server definition's name, servers/server_kinds.h) instead of
  // h2race's own; empty for h2race's own. server_close, server_read and linger are then not
  // what the server does: its definition (and its knob, if any) is.
  std::string server;
  std::string server_knob;  // a close knob of that definition, or empty

  // The fields that make two histograms comparable (not iterations or timeout).
  nlohmann::json to_json() const;
  static Scenario from_json(const nlohmann::json& j);  // throws std::invalid_argument
  // A file-name-safe id such as "h2-tls13-none-go-immediate-ed25519" (non-default server reads
  // and a fresh server add a suffix: "-record", "-fresh"; so do a real server and a slowed
  // request).
  std::string id() const;
};

// Every GoTiming field, once, in the order tables and the fit show them. `name` spells the flags
// (--go-NAME-us, --fit-NAME-us) and, with '_' for '-', the JSON key (NAME_us in
// scenario.go_timing and in fit candidates).
struct GoTimingField {
  std::string_view name;
  std::chrono::microseconds Scenario::GoTiming::*member;
  // Histograms written before the field existed lack it; they load with 0, the model of their day
  // (handoff and headers were there from the first).
  bool required_in_json;
  std::string_view help;  // of --go-NAME-us
};
inline constexpr GoTimingField kGoTimingFields[] = {
    {"preface", &Scenario::GoTiming::preface, false,
     "go models: Go's CPU time from its handshake's last flush to writing the preface"},
    {"handoff", &Scenario::GoTiming::handoff, true,
     "go models: Go's CPU time from the preface flush to the request taking the connection"},
    {"headers", &Scenario::GoTiming::headers, true,
     "go models: Go's CPU time from taking the connection to writing HEADERS"},
    {"read-loop", &Scenario::GoTiming::read_loop, false,
     "go models: from the read loop becoming runnable to when Go's other processor may steal it"},
    {"spin", &Scenario::GoTiming::spin, false,
     "go models: how long Go's idle processor, woken when a goroutine becomes runnable, looks "
     "for work before it backs off (usleep(3)) and steals"},
    {"off-cpu", &Scenario::GoTiming::off_cpu, false,
     "go models: how long the request's thread is off its core between its stream's ID and the "
     "HEADERS work when its preface drew the server's RST (Go's takes ~110 us longer there in a "
     "quarter of its requests)"},
};
// "read-loop" -> "read_loop_us"
std::string go_timing_json_key(const GoTimingField& f);

// Client workers in flight: one limit for the CLI and for histogram files.
inline constexpr int kMaxJobs = 256;
// --slow-request-us's bound (0.1 s), for the CLI and for histogram files.
inline constexpr int64_t kMaxSlowRequestUs = 100'000;

}  // namespace h2race
