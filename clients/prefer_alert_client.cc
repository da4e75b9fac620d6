// The `prefer-alert` profile: the `go` model, but when a transport error (EPIPE, ECONNRESET, EOF,
// a dead connection) ends the iteration after the handshake, it waits a bounded grace period for
// the read loop's TLS alert already on its way and reports that alert — the true cause — when one
// arrives; otherwise the original error. This is the client-side fix (hyper keeps the read-side
// error for HTTP/2 broken pipes); its cost is the grace wait on iterations that fail without an
// alert.
#include "clients/go_model.h"

namespace h2race {

ClientResult run_prefer_alert_client(const ClientTarget& t) {
  return run_go_model(t, {.redial_unusable = false, .alert_grace = t.alert_grace});
}

}  // namespace h2race
