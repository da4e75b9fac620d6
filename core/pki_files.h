// The test PKI as PEM files in a private directory, for peers outside the process: external
// clients get the CA and their client certificate, `h2race serve` users get all of it.
#pragma once

#include <filesystem>
#include <string>

#include "core/pki.h"

namespace h2race {

class PkiFiles {
 public:
  // dir empty: a new private directory under $TMPDIR (or /tmp), removed on destruction.
  // Otherwise dir must exist; the files are written into it and kept.
  // Throws FileError (core/file_error.h) naming the path when a file cannot be written: files
  // go through write_output_file, so a link planted at a file's name is never written through.
  explicit PkiFiles(const Pki& pki, const std::filesystem::path& dir = {});
  ~PkiFiles();
  PkiFiles(const PkiFiles&) = delete;
  PkiFiles& operator=(const PkiFiles&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path ca() const { return dir_ / "ca.crt"; }
  // The server's certificate and key, for running another server (nghttpd) on the same PKI.
  std::filesystem::path server_cert() const { return dir_ / "server.crt"; }
  std::filesystem::path server_key() const { return dir_ / "server.key"; }
  // The certificate and key a client presents in that case; empty paths for ClientCert::kNone.
  std::filesystem::path cert(ClientCert which) const;
  std::filesystem::path key(ClientCert which) const;

 private:
  std::filesystem::path dir_;
  bool owned_ = false;
};

}  // namespace h2race
