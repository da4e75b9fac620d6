// The in-process mTLS server: one loopback listener, a few threads that each handle one
// connection at a time with blocking I/O. It requires a client certificate, lets BoringSSL send
// the alert when there is none or it is bad, closes as the close policy says, and records per
// connection what it really did (the truth) in a TruthTable.
#pragma once

#include <netinet/in.h>
#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/pki.h"
#include "core/scenario.h"
#include "core/truth_table.h"
#include "core/unique_fd.h"

namespace h2race {

struct ServerOptions {
  TlsVersion tls = TlsVersion::k13;
  ServerClose close = ServerClose::kImmediate;
  std::chrono::milliseconds io_timeout{5000};  // bounds every blocking read/write of a connection
  std::chrono::milliseconds linger{1000};      // ServerClose::kLinger: bound on draining
  int threads = 2;
  std::string bind_address = "127.0.0.1";  // loopback only: 127.0.0.0/8 or ::1
  uint16_t port = 0;                       // 0 = any free port
  bool offer_h2 = true;                    // false: ALPN http/1.1 only
  // Read from the socket as Go's server does, taking whatever has arrived
  // (servers/read_ahead_bio.h); false: one TLS record at a time, as BoringSSL's own socket BIO
  // does.
  bool read_ahead = true;
  // For clients h2race does not run (`serve`), which may connect and never speak, or trickle: a
  // connection whose first TLS record has not fully arrived waits in its worker's epoll set (up
  // to io_timeout, then it is closed with truth `timeout`) instead of holding the worker in a
  // blocking read, and the whole
  // handshake must end within handshake_timeout (0: each read within io_timeout), so one that
  // stalls or trickles after its first bytes frees its worker soon. Off for `run`: handling a
  // connection only once its first bytes arrived would move server.accepted after the client's
  // first write, changing the race.
  bool guard_idle_clients = false;
  std::chrono::milliseconds handshake_timeout{0};
};

class MtlsServer {
 public:
  // Throws std::runtime_error naming the address when it cannot listen.
  MtlsServer(const Pki& pki, const ServerOptions& opts, TruthTable* truth);
  ~MtlsServer();
  MtlsServer(const MtlsServer&) = delete;
  MtlsServer& operator=(const MtlsServer&) = delete;

  const sockaddr_storage& address() const { return addr_; }
  socklen_t address_len() const { return addr_len_; }
  uint16_t port() const;
  uint64_t connections() const { return connections_.load(); }
  // Connections fully handled: closed, every injection point passed.
  uint64_t completed() const { return completed_.load(); }

 private:
  struct Accepted {
    UniqueFd fd;
    sockaddr_storage peer{};
  };
  // One connection from the listener, or none (another worker took it).
  std::optional<Accepted> accept_one();
  void worker();
  // Handles one connection on this worker; in guard mode, first makes sure another worker is
  // free to accept (starting one while every worker is busy, up to kMaxServeThreads), so clients
  // that idle after their handshake never hold every thread.
  void take(UniqueFd fd, const sockaddr_storage& peer);
  void handle(UniqueFd fd, const sockaddr_storage& peer);
  void close_after_failed_handshake(UniqueFd& fd) const;

  ServerOptions opts_;
  TruthTable* truth_;
  bssl::UniquePtr<SSL_CTX> ctx_;
  UniqueFd listen_fd_;
  UniqueFd stop_fd_;  // eventfd: readable once the server is stopping
  sockaddr_storage addr_{};
  socklen_t addr_len_ = 0;
  std::atomic<uint64_t> connections_{0};
  std::atomic<uint64_t> completed_{0};
  std::mutex threads_mu_;  // threads_: guard mode starts workers from workers
  std::vector<std::thread> threads_;
  size_t busy_ = 0;  // workers in handle(); under threads_mu_
};

// How many workers a guard-mode server (`serve`) may grow to.
inline constexpr size_t kMaxServeThreads = 256;

// The options a scenario implies (TLS version, close policy, reads, protocol, bounds).
ServerOptions server_options(const Scenario& s, int threads);

}  // namespace h2race
