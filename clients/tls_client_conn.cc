#include "clients/tls_client_conn.h"

#include <fmt/format.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "core/inject.h"

namespace h2race {

TlsClientConn::TlsClientConn(SSL_CTX* ctx, Clock::time_point deadline)
    : deadline_(deadline), ssl_(SSL_new(ctx)) {}

TlsClientConn::~TlsClientConn() {
  ssl_.reset();
  fd_.reset();
  end_connection();
}

bool TlsClientConn::wait_for(short events, Clock::time_point until) {
  if (wait_observer_) wait_observer_->waiting();
  const bool ready = [&] {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_.get(), events, 0};
      const int r = poll(&p, 1, static_cast<int>(left.count()));
      if (r > 0) return true;  // readiness or an error condition: the next call reports which
      if (r < 0 && errno != EINTR) return false;
    }
  }();
  if (wait_observer_) wait_observer_->running();
  return ready;
}

bool TlsClientConn::reset_by_peer() const {
  pollfd p{fd_.get(), POLLIN, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR)) != 0;
}

std::optional<Outcome> TlsClientConn::connect(const sockaddr_storage& addr, socklen_t len,
                                              uint32_t source_ipv4) {
  fd_.reset(socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd_) return errno_outcome("connect", errno);
  const int one = 1;
  setsockopt(fd_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (source_ipv4 != 0 && addr.ss_family == AF_INET) {
    // The port is still chosen at connect time, per destination: no bind-time port shortage.
    setsockopt(fd_.get(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
    sockaddr_in src{};
    src.sin_family = AF_INET;
    src.sin_addr.s_addr = htonl(source_ipv4);
    if (bind(fd_.get(), reinterpret_cast<sockaddr*>(&src), sizeof(src)) != 0) {
      return errno_outcome("connect", errno);
    }
  }
  if (::connect(fd_.get(), reinterpret_cast<const sockaddr*>(&addr), len) != 0) {
    if (errno != EINPROGRESS) return errno_outcome("connect", errno);
    if (!wait_for(POLLOUT)) return timeout_outcome("connect");
    int err = 0;
    socklen_t elen = sizeof(err);
    getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &elen);
    if (err != 0) return errno_outcome("connect", err);
  }
  key_ = client_conn_key(fd_.get(), addr);
  if (key_) begin_connection(*key_, Side::kClient);
  at(Point::kClientConnected);
  if (!ssl_) return other_outcome("connect", "SSL_new failed");
  SSL_set_fd(ssl_.get(), fd_.get());
  return std::nullopt;
}

void TlsClientConn::stop_reading() {
  if (fd_) shutdown(fd_.get(), SHUT_RD);
}

void TlsClientConn::set_cork(bool on) {
  const int v = on ? 1 : 0;
  setsockopt(fd_.get(), IPPROTO_TCP, TCP_CORK, &v, sizeof(v));
  corked_ = on;
}

// BoringSSL calls this on the client when the server asks for a certificate, before the client
// writes its last flight: from here on the kernel holds what is written until set_cork(false).
// Only under TLS 1.3: there the handshake returns right after the flight, and the trailing record
// goes into the same segment. A TLS 1.2 client waits for the server's Finished after its flight,
// which a cork would hold back until the kernel's 200 ms cork timer fires.
int TlsClientConn::cork_flight(SSL* ssl, void* self) {
  if (SSL_version(ssl) == TLS1_3_VERSION) static_cast<TlsClientConn*>(self)->set_cork(true);
  return 1;
}

std::optional<Outcome> TlsClientConn::send_trailing_record() {
  if (SSL_version(ssl_.get()) == TLS1_3_VERSION &&
      SSL_key_update(ssl_.get(), SSL_KEY_UPDATE_NOT_REQUESTED) == 1) {
    for (;;) {
      ERR_clear_error();
      // A zero-length SSL_write flushes the queued KeyUpdate and nothing else.
      const uint8_t none = 0;
      const int r = SSL_write(ssl_.get(), &none, 0);
      if (r >= 0) break;
      const int saved_errno = errno;
      const int e = SSL_get_error(ssl_.get(), r);
      if (e == SSL_ERROR_WANT_WRITE) {
        set_cork(false);  // a full send buffer: let it drain
        if (!wait_for(POLLOUT)) return timeout_outcome("handshake");
        continue;
      }
      set_cork(false);
      return classify_ssl_failure("handshake", e, saved_errno, ERR_peek_error());
    }
  }
  set_cork(false);
  if (explaining())
    note("flight",
         "sent: the handshake's last messages, then one more record (KeyUpdate), as Go sends two");
  return std::nullopt;
}

std::optional<Outcome> TlsClientConn::handshake() {
  if (end_flight_like_go_) SSL_set_cert_cb(ssl_.get(), &TlsClientConn::cork_flight, this);
  for (;;) {
    ERR_clear_error();
    const int r = SSL_connect(ssl_.get());
    if (r == 1) {
      if (corked_) {
        if (auto f = send_trailing_record()) return f;
      }
      at(Point::kClientHandshakeDone);
      return std::nullopt;
    }
    const int saved_errno = errno;
    const int e = SSL_get_error(ssl_.get(), r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      // Whatever is written must reach the server before the client waits on it.
      if (corked_ && e == SSL_ERROR_WANT_READ) set_cork(false);
      if (!wait_for(e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT))
        return timeout_outcome("handshake");
      continue;
    }
    if (corked_) set_cork(false);
    return classify_ssl_failure("handshake", e, saved_errno, ERR_peek_error());
  }
}

std::optional<Outcome> TlsClientConn::write_all(std::span<const uint8_t> data) {
  if (data.empty()) return std::nullopt;
  for (;;) {
    ERR_clear_error();
    // BoringSSL wants the same buffer back after WANT_WRITE, which a retry of this call gives.
    const int r = SSL_write(ssl_.get(), data.data(), static_cast<int>(data.size()));
    if (r > 0) {  // partial writes are off: r == data.size()
      if (explaining()) note("write", fmt::format("{} bytes: ok", data.size()));
      return std::nullopt;
    }
    const int saved_errno = errno;
    const int e = SSL_get_error(ssl_.get(), r);
    if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
      if (!wait_for(e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT)) return timeout_outcome("write");
      continue;
    }
    Outcome failed = classify_ssl_failure("write", e, saved_errno, ERR_peek_error());
    if (explaining()) note("write", fmt::format("{} bytes: {}", data.size(), failed.cls));
    return failed;
  }
}

TlsClientConn::ReadResult TlsClientConn::read_some(std::vector<uint8_t>& out, bool wait,
                                                   std::optional<Clock::time_point> until) {
  const Clock::time_point limit = until ? std::min(*until, deadline_) : deadline_;
  ReadResult result;
  uint8_t buf[16 * 1024];
  for (;;) {
    ERR_clear_error();
    const int r = SSL_read(ssl_.get(), buf, sizeof(buf));
    if (r > 0) {
      if (explaining()) note("read", fmt::format("{} bytes", r));
      out.insert(out.end(), buf, buf + r);
      result.bytes += static_cast<size_t>(r);
      continue;  // drain what is already there
    }
    const int saved_errno = errno;
    const int e = SSL_get_error(ssl_.get(), r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      if (result.bytes > 0 || !wait) return result;
      if (!wait_for(e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, limit)) {
        result.failure = timeout_outcome("read");
        return result;
      }
      continue;
    }
    result.failure = classify_ssl_failure("read", e, saved_errno, ERR_peek_error());
    if (explaining()) note("read", result.failure->cls);
    return result;
  }
}

}  // namespace h2race
