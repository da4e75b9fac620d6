#include "servers/mtls_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <linux/sockios.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <unordered_map>

#include "core/alert_names.h"
#include "core/classes.h"
#include "core/clock.h"
#include "core/epoll_watch.h"
#include "core/inject.h"
#include "core/loopback.h"
#include "core/outcome.h"
#include "servers/read_ahead_bio.h"
#include "servers/responder.h"
#include "servers/server_ctx.h"

namespace h2race {
namespace {

bool parse_address(const std::string& address, uint16_t port, sockaddr_storage& ss,
                   socklen_t& len) {
  std::memset(&ss, 0, sizeof(ss));
  auto* in = reinterpret_cast<sockaddr_in*>(&ss);
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, address.c_str(), &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    len = sizeof(sockaddr_in);
    return true;
  }
  if (inet_pton(AF_INET6, address.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

void set_io_timeout(int fd, std::chrono::milliseconds t) {
  timeval tv{};
  tv.tv_sec = t.count() / 1000;
  tv.tv_usec = (t.count() % 1000) * 1000;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

}  // namespace

ServerOptions server_options(const Scenario& s, int threads) {
  ServerOptions o;
  o.tls = s.tls;
  o.close = s.server_close;
  o.read_ahead = s.server_read == ServerRead::kAhead;
  o.io_timeout = s.timeout;
  o.linger = s.linger;
  o.offer_h2 = s.proto == Proto::kH2;
  o.threads = threads;
  return o;
}

MtlsServer::MtlsServer(const Pki& pki, const ServerOptions& opts, TruthTable* truth)
    : opts_(opts), truth_(truth), ctx_(make_server_ctx(pki, opts.tls, opts.offer_h2)) {
  if (!is_loopback(opts.bind_address)) {
    throw std::runtime_error(
        fmt::format("server: {} is not a loopback address", opts.bind_address));
  }
  parse_address(opts.bind_address, opts.port, addr_, addr_len_);
  listen_fd_.reset(socket(addr_.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  const int one = 1;
  setsockopt(listen_fd_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  // Accepted sockets inherit these from the listener on Linux: three syscalls less per
  // connection.
  setsockopt(listen_fd_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  set_io_timeout(listen_fd_.get(), opts.io_timeout);
  if (!listen_fd_ || bind(listen_fd_.get(), reinterpret_cast<sockaddr*>(&addr_), addr_len_) != 0 ||
      listen(listen_fd_.get(), 1024) != 0) {
    throw std::runtime_error(fmt::format("server: cannot listen on {} port {}: {}",
                                         opts.bind_address, opts.port, std::strerror(errno)));
  }
  addr_len_ = sizeof(addr_);
  getsockname(listen_fd_.get(), reinterpret_cast<sockaddr*>(&addr_), &addr_len_);
  stop_fd_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  // Under the lock: a started worker may already look at threads_ (take(), in guard mode).
  std::lock_guard lock(threads_mu_);
  for (int i = 0; i < std::max(1, opts.threads); ++i) threads_.emplace_back([this] { worker(); });
}

MtlsServer::~MtlsServer() {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(stop_fd_.get(), &one, sizeof(one));
  // A worker may start another while these are joined: join until none is left.
  for (;;) {
    std::vector<std::thread> joining;
    {
      std::lock_guard lock(threads_mu_);
      joining.swap(threads_);
    }
    if (joining.empty()) break;
    for (auto& t : joining) t.join();
  }
}

void MtlsServer::take(UniqueFd fd, const sockaddr_storage& peer) {
  {
    std::lock_guard lock(threads_mu_);
    ++busy_;
    if (opts_.guard_idle_clients && busy_ >= threads_.size() &&
        threads_.size() < kMaxServeThreads) {
      threads_.emplace_back([this] { worker(); });
    }
  }
  handle(std::move(fd), peer);
  ++completed_;
  std::lock_guard lock(threads_mu_);
  --busy_;
}

uint16_t MtlsServer::port() const {
  return addr_.ss_family == AF_INET ? ntohs(reinterpret_cast<const sockaddr_in&>(addr_).sin_port)
                                    : ntohs(reinterpret_cast<const sockaddr_in6&>(addr_).sin6_port);
}

namespace {

// A connection accepted in guard mode whose first TLS record has not fully arrived. It may wait
// silent up to the I/O bound; once it has spoken, its handshake's bound runs.
struct WaitingConn {
  UniqueFd fd;
  sockaddr_storage peer{};
  Clock::time_point deadline;
  bool spoke = false;
};

bool has_bytes(int fd) {
  uint8_t byte;
  return recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

// Whether the client's first TLS record (its ClientHello) is all there, peeked, not read: only
// then is the connection given to the handshake, so a client that trickles or stalls in its
// first record holds no worker. End of stream, an error, or bytes that are no TLS record
// header (a length past the largest record) are "complete" too: the handshake then fails at
// once, as for any client.
bool first_record_here(int fd) {
  uint8_t header[5];
  const ssize_t n = recv(fd, header, sizeof(header), MSG_PEEK | MSG_DONTWAIT);
  if (n <= 0) return !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
  if (n < 5) return false;
  constexpr size_t kMaxRecord = 16384 + 2048;  // TLSCiphertext's bound (RFC 8446 5.2)
  const size_t length = (size_t{header[3]} << 8) | header[4];
  int available = 0;
  if (length > kMaxRecord || ioctl(fd, FIONREAD, &available) != 0) return true;
  return static_cast<size_t>(available) >= sizeof(header) + length;
}

}  // namespace

std::optional<MtlsServer::Accepted> MtlsServer::accept_one() {
  // Several workers wake for one connection; the losers get EAGAIN and wait again.
  Accepted a;
  socklen_t peer_len = sizeof(a.peer);
  a.fd.reset(
      accept4(listen_fd_.get(), reinterpret_cast<sockaddr*>(&a.peer), &peer_len, SOCK_CLOEXEC));
  if (!a.fd) return std::nullopt;
  ++connections_;
  return a;
}

void MtlsServer::worker() {
  pthread_setname_np(pthread_self(), "h2race-server");  // for top -H, perf sched, gdb
  if (!opts_.guard_idle_clients) {
    // `run`: a connection goes to its handler at once; the listener and the stop signal are
    // all a worker waits on.
    pollfd fds[2] = {{listen_fd_.get(), POLLIN, 0}, {stop_fd_.get(), POLLIN, 0}};
    for (;;) {
      if (poll(fds, 2, -1) < 0 && errno != EINTR) return;
      if (fds[1].revents) return;
      if (!(fds[0].revents & POLLIN)) continue;
      if (auto a = accept_one()) take(std::move(a->fd), a->peer);
    }
  }
  // Guard mode: this worker's connections whose first record is still on its way, watched
  // edge-triggered (each new segment wakes the worker once; level-triggered, bytes that arrived
  // and wait unread would wake it without end). Private to the worker, so no lock.
  UniqueFd ep(epoll_create1(EPOLL_CLOEXEC));
  if (!ep) return;
  auto watch = [&](int fd, uint32_t events) { return epoll_watch(ep.get(), fd, events); };
  if (!watch(listen_fd_.get(), EPOLLIN) || !watch(stop_fd_.get(), EPOLLIN)) return;
  std::unordered_map<int, WaitingConn> waiting;
  auto finish_waiting = [&](int fd, bool handshake) {
    auto node = waiting.extract(fd);
    epoll_ctl(ep.get(), EPOLL_CTL_DEL, fd, nullptr);
    WaitingConn& c = node.mapped();
    if (handshake) return take(std::move(c.fd), c.peer);
    if (const auto key = conn_key(c.peer, addr_); key && truth_) {
      truth_->record(*key, std::string(cls::kTimeout));  // closed as c.fd goes out of scope
    }
    ++completed_;
  };
  // A connection that trickles its first record gets the handshake's bound from its first byte.
  auto spoke = [&](WaitingConn& c) {
    if (c.spoke || opts_.handshake_timeout.count() <= 0 || !has_bytes(c.fd.get())) return;
    c.spoke = true;
    c.deadline = std::min(c.deadline, Clock::now() + opts_.handshake_timeout);
  };
  epoll_event events[64];
  for (;;) {
    int timeout_ms = -1;
    const auto now = Clock::now();
    for (const auto& [fd, c] : waiting) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(
          std::max(c.deadline - now, Clock::duration{}));
      timeout_ms = timeout_ms < 0 ? int(left.count()) : std::min(timeout_ms, int(left.count()));
    }
    const int n = epoll_wait(ep.get(), events, std::size(events), timeout_ms);
    if (n < 0 && errno != EINTR) return;
    bool accept_now = false;
    for (int i = 0; i < std::max(n, 0); ++i) {
      const int fd = events[i].data.fd;
      if (fd == stop_fd_.get()) return;
      if (fd == listen_fd_.get()) {
        accept_now = true;
      } else if (waiting.count(fd) && first_record_here(fd)) {
        finish_waiting(fd, /*handshake=*/true);
      } else if (auto w = waiting.find(fd); w != waiting.end()) {
        spoke(w->second);
      }
    }
    for (auto it = waiting.begin(); it != waiting.end();) {
      const int fd = (it++)->first;
      if (Clock::now() >= waiting.at(fd).deadline) finish_waiting(fd, /*handshake=*/false);
    }
    if (!accept_now) continue;
    auto a = accept_one();
    if (!a) continue;
    if (!first_record_here(a->fd.get())) {
      const int raw = a->fd.get();
      if (watch(raw, EPOLLIN | EPOLLRDHUP | EPOLLET)) {
        auto [w, added] = waiting.emplace(
            raw, WaitingConn{std::move(a->fd), a->peer, Clock::now() + opts_.io_timeout});
        spoke(w->second);
        continue;
      }
    }
    take(std::move(a->fd), a->peer);
  }
}

namespace {

// --explain: what the close will put on the wire. Bytes the client sent that the server has not
// read make the kernel send RST instead of FIN (RFC 1122 4.2.2.13, as Linux does).
void note_close(int fd, ServerClose close) {
  int unread = 0;
  ioctl(fd, SIOCINQ, &unread);
  switch (close) {
    case ServerClose::kImmediate:
      note("close", unread > 0 ? fmt::format("RST: {} bytes unread", unread)
                               : std::string("FIN: nothing unread"));
      return;
    case ServerClose::kReset:
      note("close", fmt::format("RST (SO_LINGER 0), {} bytes unread", unread));
      return;
    case ServerClose::kLinger:
      note("close", fmt::format("FIN, then drains the client ({} bytes unread now)", unread));
      return;
  }
}

}  // namespace

// The close points mark where the server's close takes effect on the wire: the FIN or RST.
void MtlsServer::close_after_failed_handshake(UniqueFd& fd) const {
  if (explaining()) note_close(fd.get(), opts_.close);
  at(Point::kServerBeforeClose);
  switch (opts_.close) {
    case ServerClose::kImmediate:
      // As Go's server does: drop the connection right after the alert. Unread client bytes
      // make the kernel answer with RST instead of FIN; that is the race.
      fd.reset();
      at(Point::kServerAfterClose);
      return;
    case ServerClose::kReset: {
      // SO_LINGER 0: close() sends RST at once, the worst case for the client.
      const linger l{1, 0};
      setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &l, sizeof(l));
      fd.reset();
      at(Point::kServerAfterClose);
      return;
    }
    case ServerClose::kLinger: {
      // FIN after the alert, then keep reading (and discarding) what the client still sends, so
      // its late writes land in a live socket and provoke no RST; close once it is done.
      shutdown(fd.get(), SHUT_WR);
      at(Point::kServerAfterClose);
      const auto until = std::chrono::steady_clock::now() + opts_.linger;
      char buf[4096];
      for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            until - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        set_io_timeout(fd.get(), left);
        if (read(fd.get(), buf, sizeof(buf)) <= 0) break;  // EOF, error or the bound
      }
      fd.reset();
      return;
    }
  }
}

namespace {

// What the server did when the handshake failed: the alert it sent, or the socket's failure.
std::string failed_handshake_truth(SSL* ssl, int ret, const ServerConnState& st) {
  if (st.alert_sent >= 0) return std::string(cls::kAlertPrefix) + alert_name(st.alert_sent);
  const int saved_errno = errno;
  return classify_ssl_failure("read", SSL_get_error(ssl, ret), saved_errno, ERR_peek_error()).cls;
}

// Answers the request over the negotiated protocol. The truth is recorded just before the
// response is written (`ok`), so a client that has its answer finds it; `other` if no response.
void serve_request(SSL* ssl, const std::function<void(std::string)>& record) {
  bool responded = false;
  auto on_response = [&] {
    responded = true;
    record(std::string(cls::kOk));
  };
  const uint8_t* alpn = nullptr;
  unsigned alpn_len = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
  if (alpn_len == 2 && std::memcmp(alpn, "h2", 2) == 0) {
    serve_h2(ssl, on_response);
  } else {
    serve_h1(ssl, on_response);
  }
  if (!responded) record(std::string(cls::kOther));
}

}  // namespace

void MtlsServer::handle(UniqueFd fd, const sockaddr_storage& peer) {
  // The peer from accept4 and the listener's own address: no getpeername/getsockname per
  // connection.
  const auto key = conn_key(peer, addr_);
  auto record = [&](std::string truth) {
    if (key && truth_) truth_->record(*key, std::move(truth));
  };
  if (key) begin_connection(*key, Side::kServer);
  at(Point::kServerAccepted);

  ServerConnState st;
  ReadAhead read_ahead;  // outlives `ssl`, whose BIO reads through it
  bssl::UniquePtr<SSL> ssl(SSL_new(ctx_.get()));
  // Runs on every way out: the close (unless a close policy did it), then the connection's end
  // for the schedule.
  struct Closer {
    bssl::UniquePtr<SSL>& ssl;
    UniqueFd& fd;
    ~Closer() {
      ssl.reset();
      if (fd) {
        at(Point::kServerBeforeClose);
        fd.reset();
        at(Point::kServerAfterClose);
      }
      end_connection();
    }
  } closer{ssl, fd};
  if (!ssl) return;
  SSL_set_app_data(ssl.get(), &st);
  // `run`'s record-reading server keeps BoringSSL's own socket BIO (the behaviour it names);
  // `serve` reads through this BIO either way for its handshake deadline.
  if (opts_.read_ahead || opts_.guard_idle_clients) {
    read_ahead.fd = fd.get();
    read_ahead.ahead = opts_.read_ahead;
    BIO* bio = make_read_ahead_bio(read_ahead).release();
    SSL_set_bio(ssl.get(), bio, bio);  // one BIO both ways: the SSL takes its one reference
  } else {
    SSL_set_fd(ssl.get(), fd.get());
  }
  ERR_clear_error();
  // serve: the whole handshake within handshake_timeout (the BIO bounds each read by the time
  // left), so a client trickling its bytes frees its worker as soon as one that sends nothing.
  const bool short_handshake = opts_.guard_idle_clients && opts_.handshake_timeout.count() > 0;
  if (short_handshake) {
    set_io_timeout(fd.get(), opts_.handshake_timeout);
    read_ahead.deadline = Clock::now() + opts_.handshake_timeout;
  }
  const int ret = SSL_accept(ssl.get());
  if (short_handshake) {
    read_ahead.deadline.reset();
    set_io_timeout(fd.get(), opts_.io_timeout);
  }
  if (ret != 1) {
    record(failed_handshake_truth(ssl.get(), ret, st));
    ERR_clear_error();
    ssl.reset();
    close_after_failed_handshake(fd);
    return;
  }
  serve_request(ssl.get(), record);
  SSL_shutdown(ssl.get());
  ERR_clear_error();
}

}  // namespace h2race
