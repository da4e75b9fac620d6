// The Go profiles: the model of Go's http2 Transport (clients/go_model.h) in the semantics of
// current Go (`go`, the seed's 1.25) and of Go 1.19 (`go1.19`, Debian's), which redials where
// current Go reports "client conn could not be established".
#include "clients/go_model.h"

namespace h2race {

ClientResult run_go_client(const ClientTarget& t) {
  return run_go_model(t, {.redial_unusable = false, .alert_grace = std::nullopt});
}

ClientResult run_go119_client(const ClientTarget& t) {
  return run_go_model(t, {.redial_unusable = true, .alert_grace = std::nullopt});
}

}  // namespace h2race
