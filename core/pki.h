// In-memory test PKI made at start-up: a trusted CA, a server certificate for the loopback
// names, and client certificates for every ClientCert case. core/pki_files.h writes them out for
// peers outside the process.
#pragma once

#include <openssl/ssl.h>

#include <string>

#include "core/scenario.h"

namespace h2race {

struct CertKey {
  bssl::UniquePtr<X509> cert;
  bssl::UniquePtr<EVP_PKEY> key;
};

class Pki {
 public:
  explicit Pki(KeyType key_type);

  X509* trusted_ca() const { return ca_.cert.get(); }
  const CertKey& server() const { return server_; }
  // The certificate a client presents in that case; nullptr for ClientCert::kNone.
  const CertKey* client(ClientCert which) const;

 private:
  CertKey ca_, untrusted_ca_, server_, valid_, untrusted_, expired_, wrong_usage_;
};

// BoringSSL leaves Ed25519 out of its default verify preferences; both peers need it, and the
// other algorithms every key type here uses.
void enable_test_signature_algorithms(SSL_CTX* ctx);

// Installs cert and key on ctx; returns false (and leaves the BoringSSL error queue set) on
// failure.
bool use_cert_key(SSL_CTX* ctx, const CertKey& ck);

// PEM text, for peers outside the process (external clients, `h2race serve`).
std::string to_pem(X509* cert);
std::string to_pem(EVP_PKEY* key);

}  // namespace h2race
