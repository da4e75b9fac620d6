#include "core/pki_files.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cstdlib>
#include <stdexcept>

#include "core/output_file.h"

namespace h2race {
namespace {

std::filesystem::path make_private_dir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = fmt::format("{}/h2race-pki-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(pattern.data())) {
    throw std::runtime_error(fmt::format("cannot create a directory like {}", pattern));
  }
  return pattern;
}

}  // namespace

PkiFiles::PkiFiles(const Pki& pki, const std::filesystem::path& dir) {
  if (dir.empty()) {
    dir_ = make_private_dir();
    owned_ = true;
  } else {
    if (!std::filesystem::is_directory(dir)) {
      throw std::runtime_error(fmt::format("{} is not a directory", dir.string()));
    }
    dir_ = dir;
  }
  try {
    write_output_file(ca(), to_pem(pki.trusted_ca()), 0644);
    write_output_file(server_cert(), to_pem(pki.server().cert.get()), 0644);
    write_output_file(server_key(), to_pem(pki.server().key.get()), 0600);
    for (const auto& [spelling, which] : spellings<ClientCert>()) {
      const CertKey* ck = pki.client(which);
      if (!ck) continue;
      write_output_file(cert(which), to_pem(ck->cert.get()), 0644);
      write_output_file(key(which), to_pem(ck->key.get()), 0600);
    }
  } catch (...) {
    if (owned_) std::filesystem::remove_all(dir_);
    throw;
  }
}

PkiFiles::~PkiFiles() {
  std::error_code ignored;
  if (owned_) std::filesystem::remove_all(dir_, ignored);
}

std::filesystem::path PkiFiles::cert(ClientCert which) const {
  if (which == ClientCert::kNone) return {};
  return dir_ / fmt::format("client-{}.crt", name(which));
}

std::filesystem::path PkiFiles::key(ClientCert which) const {
  if (which == ClientCert::kNone) return {};
  return dir_ / fmt::format("client-{}.key", name(which));
}

}  // namespace h2race
