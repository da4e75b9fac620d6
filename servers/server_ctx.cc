#include "servers/server_ctx.h"

#include <stdexcept>

#include "core/inject.h"

namespace h2race {
namespace {

void info_callback(const SSL* ssl, int where, int ret) {
  if (!(where & SSL_CB_WRITE_ALERT)) return;
  auto* st = static_cast<ServerConnState*>(SSL_get_app_data(ssl));
  // ret packs (level << 8) | description; only the first fatal alert is the verdict.
  if (st && st->alert_sent < 0 && (ret >> 8) == SSL3_AL_FATAL) {
    st->alert_sent = ret & 0xff;
    // BoringSSL calls this after the alert record went out.
    at(Point::kServerAfterAlert);
  }
}

// BoringSSL reports each handshake message it received before processing it: the client's
// Certificate message is where the server is about to judge the certificate and, when it is
// missing or bad, to send the alert. This is the only hook before the alert for a client that
// sent no certificate (no verify callback runs then).
void msg_callback(int write_p, int, int content_type, const void* buf, size_t len, SSL*, void*) {
  if (write_p == 0 && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
      static_cast<const uint8_t*>(buf)[0] == SSL3_MT_CERTIFICATE) {
    at(Point::kServerBeforeAlert);
  }
}

// Called once per certificate of the client's chain, leaf last; only when it sent one.
int verify_callback(int preverify_ok, X509_STORE_CTX* store) {
  if (X509_STORE_CTX_get_error_depth(store) == 0) at(Point::kServerCertVerified);
  return preverify_ok;
}

// arg is non-null when the server offers h2 as well as http/1.1.
int select_alpn(SSL*, const uint8_t** out, uint8_t* out_len, const uint8_t* in, unsigned in_len,
                void* arg) {
  static const uint8_t kBoth[] = "\x02h2\x08http/1.1";
  static const uint8_t kH1Only[] = "\x08http/1.1";
  const uint8_t* prefs = arg ? kBoth : kH1Only;
  const unsigned prefs_len = arg ? sizeof(kBoth) - 1 : sizeof(kH1Only) - 1;
  uint8_t* chosen = nullptr;
  if (SSL_select_next_proto(&chosen, out_len, prefs, prefs_len, in, in_len) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

bssl::UniquePtr<SSL_CTX> make_server_ctx(const Pki& pki, TlsVersion tls, bool offer_h2) {
  bssl::UniquePtr<SSL_CTX> ctx(SSL_CTX_new(TLS_method()));
  const uint16_t version = tls == TlsVersion::k13 ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (!ctx || !SSL_CTX_set_min_proto_version(ctx.get(), version) ||
      !SSL_CTX_set_max_proto_version(ctx.get(), version) ||
      !use_cert_key(ctx.get(), pki.server())) {
    throw std::runtime_error("server: cannot configure SSL_CTX");
  }
  enable_test_signature_algorithms(ctx.get());
  X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), pki.trusted_ca());
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_callback);
  SSL_CTX_set_msg_callback(ctx.get(), msg_callback);
  static int kOfferH2 = 1;
  SSL_CTX_set_alpn_select_cb(ctx.get(), select_alpn, offer_h2 ? &kOfferH2 : nullptr);
  SSL_CTX_set_info_callback(ctx.get(), info_callback);
  // Every iteration must be a full handshake: no resumption.
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  return ctx;
}

}  // namespace h2race
