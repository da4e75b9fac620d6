#include "core/pki.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace h2race {
namespace {

// Verifies cert against the PKI's CA for the given purpose; returns the X509_V_* result.
int verify(const Pki& pki, X509* cert, int purpose) {
  bssl::UniquePtr<X509_STORE> store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), pki.trusted_ca());
  bssl::UniquePtr<X509_STORE_CTX> ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), cert, nullptr);
  X509_STORE_CTX_set_purpose(ctx.get(), purpose);
  X509_verify_cert(ctx.get());
  return X509_STORE_CTX_get_error(ctx.get());
}

class PkiTest : public ::testing::TestWithParam<KeyType> {};

TEST_P(PkiTest, EachClientCertificateFailsForItsOwnReason) {
  const Pki pki(GetParam());
  EXPECT_EQ(pki.client(ClientCert::kNone), nullptr);
  EXPECT_EQ(verify(pki, pki.client(ClientCert::kValid)->cert.get(), X509_PURPOSE_SSL_CLIENT),
            X509_V_OK);
  EXPECT_EQ(verify(pki, pki.client(ClientCert::kUntrusted)->cert.get(), X509_PURPOSE_SSL_CLIENT),
            X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  EXPECT_EQ(verify(pki, pki.client(ClientCert::kExpired)->cert.get(), X509_PURPOSE_SSL_CLIENT),
            X509_V_ERR_CERT_HAS_EXPIRED);
  EXPECT_EQ(verify(pki, pki.client(ClientCert::kWrongUsage)->cert.get(), X509_PURPOSE_SSL_CLIENT),
            X509_V_ERR_INVALID_PURPOSE);
}

TEST_P(PkiTest, ServerCertificateCoversTheLoopbackNames) {
  const Pki pki(GetParam());
  X509* server = pki.server().cert.get();
  EXPECT_EQ(verify(pki, server, X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_EQ(X509_check_host(server, "localhost", 9, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(server, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(server, "::1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(server, "10.0.0.1", 0), 0);
}

TEST_P(PkiTest, KeysMatchTheRequestedType) {
  const Pki pki(GetParam());
  const int expected = GetParam() == KeyType::kEd25519 ? EVP_PKEY_ED25519
                       : GetParam() == KeyType::kP256  ? EVP_PKEY_EC
                                                       : EVP_PKEY_RSA;
  EXPECT_EQ(EVP_PKEY_id(pki.server().key.get()), expected);
  EXPECT_EQ(X509_check_private_key(pki.server().cert.get(), pki.server().key.get()), 1);
}

INSTANTIATE_TEST_SUITE_P(AllKeys, PkiTest,
                         ::testing::Values(KeyType::kEd25519, KeyType::kP256, KeyType::kRsa2048),
                         [](const ::testing::TestParamInfo<KeyType>& p) {
                           return std::string(name(p.param));
                         });

TEST(Pki, CaPemIsParseable) {
  const Pki pki(KeyType::kEd25519);
  const std::string pem = to_pem(pki.trusted_ca());
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
}

}  // namespace
}  // namespace h2race
