// The `prefer-alert` profile: Go's order of operations, but when a transport error (EPIPE,
// ECONNRESET, EOF, a dead connection) ends the iteration after the handshake, it keeps reading
// for a bounded grace period for a TLS alert already on its way and reports that alert — the
// true cause — when one arrives; otherwise the original error. This is the client-side fix
// (hyper keeps the read-side error for HTTP/2 broken pipes); its cost is the grace wait on
// iterations that fail without an alert.
#include <vector>

#include "clients/go_sequence.h"

namespace h2race {

ClientResult run_prefer_alert_client(const ClientTarget& t) {
  const auto grace = t.alert_grace;
  return run_go_sequence(t, [grace](TlsClientConn& conn, Outcome error) {
    if (error.alert >= 0) return alert_outcome(error.alert);  // the read side already has it
    const auto start = Clock::now();
    const auto until = start + grace;
    auto waited = [&] {
      return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    };
    std::vector<uint8_t> discard;
    for (;;) {
      auto r = conn.read_some(discard, /*wait=*/true, until);
      discard.clear();
      if (r.failure) {
        if (r.failure->alert >= 0) {
          Outcome alert = *r.failure;
          alert.grace = waited();
          return alert;
        }
        error.grace = waited();
        return error;
      }
    }
  });
}

}  // namespace h2race
