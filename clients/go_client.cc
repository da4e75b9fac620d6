// The `go` profile models Go's http2 Transport as the seed program's debug log shows it:
// newClientConn flushes preface + SETTINGS + WINDOW_UPDATE as soon as the handshake returns and
// fails with that write's error; then the read loop runs, and RoundTrip hands the request over
// only if the connection is still alive ("client conn could not be established" otherwise);
// then HEADERS are written (a write error wins); otherwise the read side's error is reported.
#include <vector>

#include "clients/client.h"
#include "clients/h2_client_session.h"
#include "harness/inject.h"

namespace h2race {

ClientResult run_go_client(const ClientTarget& t) {
  TlsClientConn conn(t.ctx, t.deadline);
  ClientResult res;
  if (auto f = conn.connect(t.addr, t.addr_len)) return {*f, conn.key()};
  res.key = conn.key();
  if (auto f = conn.handshake()) return {*f, res.key};

  H2ClientSession h2(t.authority);
  at(Point::kClientBeforePreface);
  if (auto f = conn.write_all(h2.preface())) return {*f, res.key};
  at(Point::kClientAfterPreface);

  // The read loop has started: whatever the server already sent is consumed now.
  std::vector<uint8_t> in;
  auto early = conn.read_some(in, /*wait=*/false);
  if (!in.empty()) {
    if (auto done = h2.feed(in)) return {*done, res.key};
    in.clear();
  }
  if (early.failure) return {no_connection_outcome(*early.failure), res.key};

  at(Point::kClientBeforeHeaders);
  if (auto f = conn.write_all(h2.request())) return {*f, res.key};
  at(Point::kClientBeforeRead);

  for (;;) {
    auto r = conn.read_some(in, /*wait=*/true);
    if (!in.empty()) {
      if (auto done = h2.feed(in)) return {*done, res.key};
      in.clear();
      // SETTINGS ACK and the like: Go's read loop writes them; their failure is not what the
      // user sees, the read side's error that follows is.
      (void)conn.write_all(h2.pending());
    }
    if (r.failure) return {*r.failure, res.key};
  }
}

}  // namespace h2race
