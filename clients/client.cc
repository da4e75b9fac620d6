#include "clients/client.h"

#include <stdexcept>

namespace h2race {

ClientFn client_for(ClientKind kind) {
  switch (kind) {
    case ClientKind::kGo:
      return run_go_client;
    case ClientKind::kSequential:
      return run_sequential_client;
    case ClientKind::kH1:
      return run_h1_client;
    case ClientKind::kPreferAlert:
      return run_prefer_alert_client;
    case ClientKind::kCurl:
    case ClientKind::kNghttp:
    case ClientKind::kGoNetHttp:
      break;  // external programs: clients/external_client.h
  }
  return nullptr;
}

bssl::UniquePtr<SSL_CTX> make_client_ctx(const Scenario& scenario, const Pki& pki) {
  bssl::UniquePtr<SSL_CTX> ctx(SSL_CTX_new(TLS_method()));
  const uint16_t version = scenario.tls == TlsVersion::k13 ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (!ctx || !SSL_CTX_set_min_proto_version(ctx.get(), version) ||
      !SSL_CTX_set_max_proto_version(ctx.get(), version)) {
    throw std::runtime_error("client: cannot configure SSL_CTX");
  }
  enable_test_signature_algorithms(ctx.get());
  X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), pki.trusted_ca());
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  if (const CertKey* ck = pki.client(scenario.client_cert)) {
    if (!use_cert_key(ctx.get(), *ck)) throw std::runtime_error("client: cannot use certificate");
  }
  static const uint8_t kH2[] = "\x02h2";
  static const uint8_t kH1[] = "\x08http/1.1";
  const bool h2 = effective_client(scenario) != ClientKind::kH1;
  SSL_CTX_set_alpn_protos(ctx.get(), h2 ? kH2 : kH1, h2 ? sizeof(kH2) - 1 : sizeof(kH1) - 1);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  return ctx;
}

}  // namespace h2race
