#include "run/matrix.h"

#include <string_view>

#include "clients/client_kinds.h"

namespace h2race {

std::vector<Scenario> builtin_matrix() {
  std::vector<Scenario> out;
  auto add = [&](Proto proto, std::string_view client, ClientCert cert, ServerClose close,
                 TlsVersion tls = TlsVersion::k13, ServerRead read = ServerRead::kAhead) {
    Scenario s;
    s.server_read = read;
    s.proto = proto;
    s.client = client;
    s.client_cert = cert;
    s.server_close = close;
    s.tls = tls;
    resolve_client(s, /*client_given=*/true, /*proto_given=*/true);
    out.push_back(s);
  };
  // Every certificate case through every client; h1 only with the h1 client (the others speak h2).
  for (ClientCert cert : {ClientCert::kNone, ClientCert::kUntrusted, ClientCert::kExpired}) {
    for (std::string_view c : {"go", "sequential", "prefer-alert"}) {
      add(Proto::kH2, c, cert, ServerClose::kImmediate);
    }
    add(Proto::kH1, "h1", cert, ServerClose::kImmediate);
  }
  // The server-side fixes and the worst case, for each h2 client.
  for (ServerClose close : {ServerClose::kLinger, ServerClose::kReset}) {
    for (std::string_view c : {"go", "sequential", "prefer-alert"}) {
      add(Proto::kH2, c, ClientCert::kNone, close);
    }
  }
  // Controls: a valid certificate succeeds; TLS 1.2 delivers the alert inside the handshake.
  add(Proto::kH2, "go", ClientCert::kValid, ServerClose::kImmediate);
  add(Proto::kH1, "h1", ClientCert::kValid, ServerClose::kImmediate);
  add(Proto::kH2, "go", ClientCert::kNone, ServerClose::kImmediate, TlsVersion::k12);
  // Real programs (clients/external_client.h) against the same server, with the same fixes; the
  // model of Go's client (go1.19) in the row above the real Go 1.19 (go-net-http), so the two
  // compare at a glance (`h2race calibrate` measures their distance).
  for (ServerClose close : {ServerClose::kImmediate, ServerClose::kLinger, ServerClose::kReset}) {
    for (std::string_view c : {"curl", "nghttp", "go1.19", "go-net-http"}) {
      add(Proto::kH2, c, ClientCert::kNone, close);
    }
  }
  add(Proto::kH1, "curl", ClientCert::kNone, ServerClose::kImmediate);
  add(Proto::kH1, "go-net-http", ClientCert::kNone, ServerClose::kImmediate);
  // A server that reads one TLS record at a time (BoringSSL's own socket BIO) leaves the
  // client's bytes behind its Finished unread: its immediate close sends RST.
  for (std::string_view c : {"go", "sequential", "curl", "go1.19", "go-net-http"}) {
    add(Proto::kH2, c, ClientCert::kNone, ServerClose::kImmediate, TlsVersion::k13,
        ServerRead::kRecord);
  }
  for (std::string_view c : {"curl", "go-net-http"}) {
    add(Proto::kH1, c, ClientCert::kNone, ServerClose::kImmediate, TlsVersion::k13,
        ServerRead::kRecord);
  }
  return out;
}

}  // namespace h2race
