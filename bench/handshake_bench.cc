// BM_RawHandshake/<key>: the physical limit of one iteration. A BoringSSL TLS 1.3 client and
// server handshake over a socketpair, both in this thread, rejected for lack of a client
// certificate exactly as in the seed case (the server sends certificate_required). No TCP, no
// HTTP/2, no threads: what is left is the crypto and the TLS state machines.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/socket.h>

#include <stdexcept>
#include <string>

#include "clients/client.h"
#include "core/interrupt.h"
#include "core/unique_fd.h"
#include "servers/server_ctx.h"

namespace h2race {
namespace {

void BM_RawHandshake(benchmark::State& state, KeyType key) {
  ignore_sigpipe();
  const Pki pki(key);
  Scenario s;
  s.key_type = key;
  auto server_ctx = make_server_ctx(pki, TlsVersion::k13);
  auto client_ctx = make_client_ctx(s, pki);
  uint64_t rejected = 0;
  for (auto _ : state) {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) != 0) {
      state.SkipWithError("socketpair failed");
      return;
    }
    UniqueFd cfd(fds[0]), sfd(fds[1]);
    bssl::UniquePtr<SSL> client(SSL_new(client_ctx.get()));
    bssl::UniquePtr<SSL> server(SSL_new(server_ctx.get()));
    ServerConnState st;
    SSL_set_app_data(server.get(), &st);
    SSL_set_fd(client.get(), cfd.get());
    SSL_set_fd(server.get(), sfd.get());
    SSL_set_connect_state(client.get());
    SSL_set_accept_state(server.get());
    bool client_done = false, server_done = false;
    // Alternate until the client finished its half and the server judged the certificate.
    for (int round = 0; round < 16 && !(client_done && server_done); ++round) {
      if (!client_done) {
        const int r = SSL_do_handshake(client.get());
        client_done = r == 1 || SSL_get_error(client.get(), r) != SSL_ERROR_WANT_READ;
      }
      if (!server_done) {
        const int r = SSL_do_handshake(server.get());
        server_done = r == 1 || SSL_get_error(server.get(), r) != SSL_ERROR_WANT_READ;
      }
    }
    if (st.alert_sent == SSL_AD_CERTIFICATE_REQUIRED) ++rejected;
  }
  if (rejected != static_cast<uint64_t>(state.iterations())) {
    state.SkipWithError("a handshake was not rejected with certificate_required");
  }
  state.SetItemsProcessed(state.iterations());
}

// Named BM_RawHandshake/<key> (not /key:0) so that --benchmark_filter takes the key's name.
[[maybe_unused]] const bool kRegistered = [] {
  for (KeyType key : {KeyType::kEd25519, KeyType::kP256, KeyType::kRsa2048}) {
    const std::string bench = "BM_RawHandshake/" + std::string(name(key));
    benchmark::RegisterBenchmark(bench.c_str(), BM_RawHandshake, key)
        ->Unit(benchmark::kMicrosecond);
  }
  return true;
}();

}  // namespace
}  // namespace h2race
