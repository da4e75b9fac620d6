#include "core/pki.h"

#include <openssl/bn.h>
#include <openssl/ec_key.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <stdexcept>

namespace h2race {
namespace {

constexpr long kDay = 24 * 3600;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("pki: ") + what + " failed");
}

bssl::UniquePtr<EVP_PKEY> make_key(KeyType type) {
  bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new());
  switch (type) {
    case KeyType::kEd25519: {
      bssl::UniquePtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
      EVP_PKEY* raw = nullptr;
      check(ctx && EVP_PKEY_keygen_init(ctx.get()) == 1 && EVP_PKEY_keygen(ctx.get(), &raw) == 1,
            "ed25519 keygen");
      pkey.reset(raw);
      break;
    }
    case KeyType::kP256: {
      bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
      check(ec && EC_KEY_generate_key(ec.get()) == 1, "p256 keygen");
      check(EVP_PKEY_assign_EC_KEY(pkey.get(), ec.release()) == 1, "p256 assign");
      break;
    }
    case KeyType::kRsa2048: {
      bssl::UniquePtr<RSA> rsa(RSA_new());
      bssl::UniquePtr<BIGNUM> e(BN_new());
      check(rsa && e && BN_set_word(e.get(), RSA_F4) == 1 &&
                RSA_generate_key_ex(rsa.get(), 2048, e.get(), nullptr) == 1,
            "rsa2048 keygen");
      check(EVP_PKEY_assign_RSA(pkey.get(), rsa.release()) == 1, "rsa assign");
      break;
    }
  }
  return pkey;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  bssl::UniquePtr<X509_EXTENSION> ext(
      X509V3_EXT_nconf_nid(nullptr, &ctx, nid, const_cast<char*>(value)));
  check(ext != nullptr, value);
  check(X509_add_ext(cert, ext.get(), -1) == 1, "add extension");
}

struct CertSpec {
  const char* common_name;
  bool is_ca = false;
  const char* ext_key_usage = nullptr;  // e.g. "clientAuth"
  const char* subject_alt_name = nullptr;
  long not_before = -kDay;  // seconds from now
  long not_after = 365 * kDay;
};

CertKey make_cert(KeyType type, const CertSpec& spec, const CertKey* issuer) {
  static std::atomic<long> serial{1};
  CertKey out;
  out.key = make_key(type);
  out.cert.reset(X509_new());
  X509* x = out.cert.get();
  check(X509_set_version(x, X509_VERSION_3) == 1, "version");
  check(ASN1_INTEGER_set(X509_get_serialNumber(x), serial++) == 1, "serial");
  check(X509_gmtime_adj(X509_getm_notBefore(x), spec.not_before) != nullptr, "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(x), spec.not_after) != nullptr, "notAfter");
  X509_NAME* name = X509_get_subject_name(x);
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const uint8_t*>(spec.common_name), -1, -1,
                                   0) == 1,
        "subject");
  X509* issuer_cert = issuer ? issuer->cert.get() : x;
  EVP_PKEY* signer = issuer ? issuer->key.get() : out.key.get();
  check(X509_set_issuer_name(x, X509_get_subject_name(issuer_cert)) == 1, "issuer");
  check(X509_set_pubkey(x, out.key.get()) == 1, "pubkey");
  if (spec.is_ca) {
    add_ext(x, issuer_cert, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(x, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(x, issuer_cert, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(x, issuer_cert, NID_key_usage, "critical,digitalSignature,keyEncipherment");
  }
  if (spec.ext_key_usage) add_ext(x, issuer_cert, NID_ext_key_usage, spec.ext_key_usage);
  if (spec.subject_alt_name) add_ext(x, issuer_cert, NID_subject_alt_name, spec.subject_alt_name);
  // Ed25519 signs the message itself, so it takes no digest.
  const EVP_MD* md = type == KeyType::kEd25519 ? nullptr : EVP_sha256();
  check(X509_sign(x, signer, md) > 0, "sign");
  return out;
}

}  // namespace

Pki::Pki(KeyType key_type) {
  ca_ = make_cert(key_type, {.common_name = "h2race test CA", .is_ca = true}, nullptr);
  untrusted_ca_ =
      make_cert(key_type, {.common_name = "h2race untrusted CA", .is_ca = true}, nullptr);
  server_ = make_cert(key_type,
                      {.common_name = "localhost",
                       .ext_key_usage = "serverAuth",
                       .subject_alt_name = "DNS:localhost,IP:127.0.0.1,IP:::1"},
                      &ca_);
  valid_ =
      make_cert(key_type, {.common_name = "h2race client", .ext_key_usage = "clientAuth"}, &ca_);
  untrusted_ =
      make_cert(key_type, {.common_name = "h2race untrusted client", .ext_key_usage = "clientAuth"},
                &untrusted_ca_);
  expired_ = make_cert(key_type,
                       {.common_name = "h2race expired client",
                        .ext_key_usage = "clientAuth",
                        .not_before = -30 * kDay,
                        .not_after = -1 * kDay},
                       &ca_);
  wrong_usage_ = make_cert(
      key_type, {.common_name = "h2race server-only client", .ext_key_usage = "serverAuth"}, &ca_);
}

const CertKey* Pki::client(ClientCert which) const {
  switch (which) {
    case ClientCert::kNone:
      return nullptr;
    case ClientCert::kValid:
      return &valid_;
    case ClientCert::kUntrusted:
      return &untrusted_;
    case ClientCert::kExpired:
      return &expired_;
    case ClientCert::kWrongUsage:
      return &wrong_usage_;
  }
  return nullptr;
}

void enable_test_signature_algorithms(SSL_CTX* ctx) {
  static const uint16_t kPrefs[] = {
      SSL_SIGN_ED25519,          SSL_SIGN_ECDSA_SECP256R1_SHA256, SSL_SIGN_RSA_PSS_RSAE_SHA256,
      SSL_SIGN_RSA_PKCS1_SHA256, SSL_SIGN_ECDSA_SECP384R1_SHA384, SSL_SIGN_RSA_PSS_RSAE_SHA384,
      SSL_SIGN_RSA_PKCS1_SHA384, SSL_SIGN_RSA_PSS_RSAE_SHA512,    SSL_SIGN_RSA_PKCS1_SHA512};
  check(SSL_CTX_set_verify_algorithm_prefs(ctx, kPrefs, sizeof(kPrefs) / sizeof(kPrefs[0])) == 1,
        "verify prefs");
}

bool use_cert_key(SSL_CTX* ctx, const CertKey& ck) {
  return SSL_CTX_use_certificate(ctx, ck.cert.get()) == 1 &&
         SSL_CTX_use_PrivateKey(ctx, ck.key.get()) == 1;
}

namespace {
std::string bio_text(BIO* bio) {
  const uint8_t* data = nullptr;
  size_t len = 0;
  BIO_mem_contents(bio, &data, &len);
  return std::string(reinterpret_cast<const char*>(data), len);
}
}  // namespace

std::string to_pem(X509* cert) {
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM write");
  return bio_text(bio.get());
}

std::string to_pem(EVP_PKEY* key) {
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM write");
  return bio_text(bio.get());
}

}  // namespace h2race
