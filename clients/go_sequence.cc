// Go's http2 Transport as the seed program's debug log shows it: newClientConn flushes preface +
// SETTINGS + WINDOW_UPDATE as soon as the handshake returns and fails with that write's error;
// then the read loop runs, and the request is handed to the connection only if it is still alive
// ("client conn could not be established" otherwise); then HEADERS are written (a write error
// wins); otherwise the read side's error is reported.
#include "clients/go_sequence.h"

#include <vector>

#include "clients/h2_client_session.h"
#include "core/inject.h"
#include "core/classes.h"

namespace h2race {

ClientResult run_go_sequence(const ClientTarget& t, const SettleError& settle) {
  TlsClientConn conn(t.ctx, t.deadline);
  if (auto f = conn.connect(t.addr, t.addr_len, t.source_ipv4)) return {*f, conn.key()};
  const auto key = conn.key();
  if (auto f = conn.handshake()) return {*f, key};
  auto fail = [&](Outcome error) { return ClientResult{settle(conn, std::move(error)), key}; };

  H2ClientSession h2(t.authority);
  at(Point::kClientBeforePreface);
  if (auto f = conn.write_all(h2.preface())) return fail(*f);
  at(Point::kClientAfterPreface);

  // The read loop has started: whatever the server already sent is consumed now.
  std::vector<uint8_t> in;
  auto early = conn.read_some(in, /*wait=*/false);
  if (!in.empty()) {
    if (auto done = h2.feed(in)) return {*done, key};
    in.clear();
  }
  if (early.failure) return fail(no_connection_outcome(*early.failure));

  at(Point::kClientBeforeHeaders);
  if (auto f = conn.write_all(h2.request())) return fail(*f);
  at(Point::kClientBeforeRead);

  for (;;) {
    auto r = conn.read_some(in, /*wait=*/true);
    if (!in.empty()) {
      if (auto done = h2.feed(in)) return {*done, key};
      in.clear();
      // SETTINGS ACK and the like: Go's read loop writes them; their failure is not what the
      // user sees, the read side's error that follows is.
      (void)conn.write_all(h2.pending());
    }
    if (r.failure) {
      // Running out of time is not a transport error: nothing to settle.
      if (r.failure->cls == cls::kTimeout) return {*r.failure, key};
      return fail(*r.failure);
    }
  }
}

}  // namespace h2race
