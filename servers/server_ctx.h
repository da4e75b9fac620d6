// The server's TLS configuration: certificate required and verified, ALPN h2 and http/1.1, full
// handshakes only, and the callbacks that record the alert sent and reach the server's
// injection points. Shared by the in-process server and the handshake benchmark.
#pragma once

#include <openssl/ssl.h>

#include "core/pki.h"
#include "core/scenario.h"

namespace h2race {

// Set as the SSL's app data before the handshake; the info callback fills it in.
struct ServerConnState {
  int alert_sent = -1;  // first fatal alert the server sent, -1 if none
};

// offer_h2 = false: ALPN offers only http/1.1 (`h2race serve --proto h1`).
bssl::UniquePtr<SSL_CTX> make_server_ctx(const Pki& pki, TlsVersion tls, bool offer_h2 = true);

}  // namespace h2race
