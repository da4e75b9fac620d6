// A structural model of Go's HTTP/2 client (net/http with its bundled http2 Transport), from
// Go's own source (src/net/http/h2_bundle.go, transport.go): the order of its writes, its read
// loop running concurrently on its own thread, the first abort winning, and the Transport's
// redial of a connection that died before the request was handed to it. The profiles `go`
// (current Go, the seed's 1.25), `go1.19` (Debian's Go) and `prefer-alert` run it.
#pragma once

#include <chrono>
#include <optional>

#include "clients/client.h"

namespace h2race {

struct GoModelOptions {
  // Go <= 1.23: a connection the read loop closed before the request's stream got its ID is
  // redialled (ErrNoCachedConn before the request reserved it, errClientConnUnusable after). Go >=
  // 1.24 keeps such a never-used connection reservable and reports errClientConnNotEstablished
  // ("client conn could not be established") instead: it never redials.
  bool redial_unusable = false;
  // prefer-alert: after a transport error, wait this long for the read loop's alert.
  std::optional<std::chrono::milliseconds> alert_grace;
};

ClientResult run_go_model(const ClientTarget& t, const GoModelOptions& options);

}  // namespace h2race
