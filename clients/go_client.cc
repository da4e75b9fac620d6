// The `go` profile (default): Go's http2 Transport order and error precedence, unchanged.
#include "clients/go_sequence.h"

namespace h2race {

ClientResult run_go_client(const ClientTarget& t) {
  return run_go_sequence(t, [](TlsClientConn&, Outcome error) { return error; });
}

}  // namespace h2race
