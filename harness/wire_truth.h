// Truth from the wire, for a server h2race did not write (an external server reports nothing):
// the loopback capture of a run, with the clients' TLS secrets in it, read by tshark's
// dissectors (TLS decryption included). For every connection, what the server really did: the
// alert it sent (which), or the HTTP status it answered, or that it closed without either, and
// whether its close was a FIN or an RST.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/truth_table.h"

namespace h2race {

struct WireRecord {
  // tls_alert:<name>, http:<status>, ok (a 200), close:no_alert, or unknown: nothing of the
  // server's side could be decrypted (no key log for the connection) and it sent no plain alert.
  std::string truth;
  // How the server's side ended: "rst", "fin", or "open" (still open when the capture ended).
  std::string close;
};

class WireTruth {
 public:
  // Reads a pcapng file (its Decryption Secrets Block holds the key log) with tshark, the
  // server being the side on server_port. Throws std::runtime_error saying what went wrong
  // (tshark missing, or its error text).
  static WireTruth read(const std::filesystem::path& pcapng, uint16_t server_port);
  // From tshark's field lines (tests feed them directly): see the .cc for the columns.
  static WireTruth parse(std::string_view fields_text);

  // The next connection on key, in capture order (a 4-tuple reused in one run has one per
  // connection), removed; nullopt when the capture has none left for it.
  std::optional<WireRecord> take(const ConnKey& key);
  size_t connections() const { return connections_; }

 private:
  std::unordered_map<ConnKey, std::deque<WireRecord>, ConnKeyHash> by_key_;
  size_t connections_ = 0;
};

// tshark, as found in $PATH (Debian's tshark package), or nullopt.
std::optional<std::filesystem::path> find_tshark();

}  // namespace h2race
