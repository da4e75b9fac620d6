#include "clients/client.h"

#include <openssl/err.h>

#include <stdexcept>

namespace h2race {

namespace {
// Sources rotate over 127.0.0.1 .. 127.0.0.64: 64 times the ephemeral port range per
// destination, so even a client that closes first (and keeps TIME_WAIT) never runs out.
constexpr uint32_t kLoopbackSources = 64;
}  // namespace

ClientTarget client_target(const Scenario& s, SSL_CTX* ctx, const sockaddr_storage& addr,
                           socklen_t addr_len, std::string authority, uint64_t iteration,
                           bool rotate_source) {
  ClientTarget t;
  t.ctx = ctx;
  t.addr = addr;
  t.addr_len = addr_len;
  t.authority = std::move(authority);
  t.deadline = Clock::now() + s.timeout;
  t.alert_grace = s.alert_grace.value_or(kDefaultAlertGrace);
  if (s.go_timing) t.go_timing = *s.go_timing;
  t.slow_request = s.slow_request;
  if (rotate_source && addr.ss_family == AF_INET) {
    t.source_ipv4 = (127u << 24) | static_cast<uint32_t>(1 + iteration % kLoopbackSources);
  }
  return t;
}

std::optional<ClientResult> open_connection(TlsClientConn& conn, const ClientTarget& t) {
  if (auto f = conn.connect(t.addr, t.addr_len, t.source_ipv4)) return ClientResult{*f, conn.key()};
  if (auto f = conn.handshake()) return ClientResult{*f, conn.key()};
  return std::nullopt;
}

namespace {

// Version pinned as the scenario says, ALPN for its protocol, verification on, no resumption;
// the caller adds what to trust and the certificate to present.
bssl::UniquePtr<SSL_CTX> base_client_ctx(const Scenario& scenario) {
  bssl::UniquePtr<SSL_CTX> ctx(SSL_CTX_new(TLS_method()));
  const uint16_t version = scenario.tls == TlsVersion::k13 ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (!ctx || !SSL_CTX_set_min_proto_version(ctx.get(), version) ||
      !SSL_CTX_set_max_proto_version(ctx.get(), version)) {
    throw std::runtime_error("client: cannot configure SSL_CTX");
  }
  enable_test_signature_algorithms(ctx.get());
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  static const uint8_t kH2[] = "\x02h2";
  static const uint8_t kH1[] = "\x08http/1.1";
  const bool h2 = scenario.proto == Proto::kH2;
  SSL_CTX_set_alpn_protos(ctx.get(), h2 ? kH2 : kH1, h2 ? sizeof(kH2) - 1 : sizeof(kH1) - 1);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  return ctx;
}

}  // namespace

bssl::UniquePtr<SSL_CTX> make_client_ctx(const Scenario& scenario, const Pki& pki) {
  auto ctx = base_client_ctx(scenario);
  X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), pki.trusted_ca());
  if (const CertKey* ck = pki.client(scenario.client_cert)) {
    if (!use_cert_key(ctx.get(), *ck)) throw std::runtime_error("client: cannot use certificate");
  }
  return ctx;
}

bssl::UniquePtr<SSL_CTX> make_probe_ctx(const Scenario& scenario, const std::string& ca_file,
                                        const std::string& cert_file, const std::string& key_file) {
  auto ctx = base_client_ctx(scenario);
  if (SSL_CTX_load_verify_locations(ctx.get(), ca_file.c_str(), nullptr) != 1) {
    throw std::invalid_argument(ca_file + ": no PEM certificate could be loaded");
  }
  if (!cert_file.empty() && SSL_CTX_use_certificate_chain_file(ctx.get(), cert_file.c_str()) != 1) {
    throw std::invalid_argument(cert_file + ": no PEM certificate could be loaded");
  }
  if (!key_file.empty() &&
      SSL_CTX_use_PrivateKey_file(ctx.get(), key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    throw std::invalid_argument(key_file + ": no PEM private key could be loaded");
  }
  ERR_clear_error();
  return ctx;
}

}  // namespace h2race
