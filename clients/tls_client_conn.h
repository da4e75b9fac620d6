// A non-blocking TLS client connection driven by one thread with poll(), every step bounded by
// the iteration's deadline. BoringSSL's SSL object is never used from two threads; the race that
// matters is between the peers, not inside the client.
#pragma once

#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/clock.h"
#include "core/outcome.h"
#include "core/truth_table.h"
#include "core/unique_fd.h"

namespace h2race {

class TlsClientConn {
 public:
  TlsClientConn(SSL_CTX* ctx, Clock::time_point deadline);
  ~TlsClientConn();
  TlsClientConn(const TlsClientConn&) = delete;
  TlsClientConn& operator=(const TlsClientConn&) = delete;

  // Each returns the Outcome that ends the iteration, or nullopt on success.
  // source_ipv4 (host order, 0 = any) is bound first for IPv4 destinations.
  std::optional<Outcome> connect(const sockaddr_storage& addr, socklen_t len,
                                 uint32_t source_ipv4 = 0);
  std::optional<Outcome> handshake();

  // Go's crypto/tls writes each message of its last flight as a record of its own (CCS,
  // Certificate, [CertificateVerify,] Finished, one TCP segment); BoringSSL packs them into one
  // record. A server that reads one record at a time and fails on the Certificate thus leaves
  // Go's Finished unread, and its close is an RST, where it reads all of BoringSSL's flight and
  // closes with a FIN. Called before handshake(), this makes the flight end the way Go's does
  // for such a server: a KeyUpdate record follows it in the same segment (held by TCP_CORK from
  // the server's CertificateRequest on). A server that accepts the client just processes it.
  // TLS 1.3 only (KeyUpdate does not exist before it).
  void end_flight_like_go() { end_flight_like_go_ = true; }
  std::optional<Outcome> write_all(std::span<const uint8_t> data);

  struct ReadResult {
    size_t bytes = 0;                // appended to the caller's buffer
    std::optional<Outcome> failure;  // the read side ended (alert, EOF, reset, timeout)
  };
  // Appends what is readable to out. wait=false returns at once when nothing is there, which
  // is how a client checks its read side between writes.
  // until (default: the iteration's deadline) bounds the wait; running out is a `timeout` failure.
  ReadResult read_some(std::vector<uint8_t>& out, bool wait,
                       std::optional<Clock::time_point> until = std::nullopt);

  // Blocks until the socket is readable (or at EOF/error) or `until` passed, without touching
  // the SSL object: a second thread may wait here while the first writes (the `go` model's
  // read loop), as long as the SSL calls themselves are serialised.
  bool wait_readable(Clock::time_point until) { return wait_for(POLLIN, until); }

  // Makes a reader blocked in wait_readable() return (shutdown for reading: nothing is sent).
  void stop_reading();

  // The peer has reset the connection (an RST arrived; POLLHUP or POLLERR), without reading or
  // writing: on loopback a write into a connection the peer has closed gets its RST back before
  // the write returns.
  bool reset_by_peer() const;

  const std::optional<ConnKey>& key() const { return key_; }
  // The socket, for an epoll set that watches it (the go models' netpoller, Processor::watch).
  int socket_fd() const { return fd_.get(); }

  // Told when a thread starts and stops waiting on the socket (each poll() of the connection):
  // the go models' sysmon sleeps deep while every thread of its worker waits, as Go's sysmon does
  // while every P is idle (clients/go_runtime.h, Sysmon).
  class WaitObserver {
   public:
    virtual void waiting() = 0;
    virtual void running() = 0;

   protected:
    ~WaitObserver() = default;
  };
  void observe_waits(WaitObserver* o) { wait_observer_ = o; }

 private:
  // Waits for events on the socket until `until`; false when that time passed.
  bool wait_for(short events, Clock::time_point until);
  bool wait_for(short events) { return wait_for(events, deadline_); }
  static int cork_flight(SSL* ssl, void* self);
  std::optional<Outcome> send_trailing_record();
  void set_cork(bool on);

  Clock::time_point deadline_;
  UniqueFd fd_;
  bssl::UniquePtr<SSL> ssl_;
  std::optional<ConnKey> key_;
  bool end_flight_like_go_ = false;
  bool corked_ = false;
  WaitObserver* wait_observer_ = nullptr;
};

}  // namespace h2race
