#include "harness/wire_truth.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>

#include <cstring>
#include <map>
#include <stdexcept>
#include <vector>

#include "clients/subprocess.h"
#include "core/alert_names.h"
#include "core/classes.h"
#include "core/input_file.h"
#include "core/outcome.h"
#include "core/printable.h"

namespace h2race {
namespace {

// The columns tshark prints per packet the server sent, in this order.
constexpr const char* kFields[] = {
    "tcp.stream",              // 0: the connection (a new one per SYN, even on a reused 4-tuple)
    "ip.src",                  // 1: the server
    "ipv6.src",                // 2
    "tcp.srcport",             // 3
    "ip.dst",                  // 4: the client
    "ipv6.dst",                // 5
    "tcp.dstport",             // 6
    "tcp.flags.fin",           // 7
    "tcp.flags.reset",         // 8
    "tls.handshake.type",      // 9: 20 (Finished) seen = the server's flight was decrypted
    "tls.alert_message.desc",  // 10
    "http2.headers.status",    // 11
    "http.response.code",      // 12
};
constexpr size_t kColumns = std::size(kFields);

// Generous: tshark reads a 10,000-connection capture in seconds.
constexpr std::chrono::minutes kTsharkBound{10};
// The fields of a 100,000-connection run are a few MB.
constexpr size_t kMaxFieldsBytes = size_t{1} << 30;

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    const size_t at = line.find(sep);
    out.push_back(line.substr(0, at));
    if (at == std::string_view::npos) return out;
    line.remove_prefix(at + 1);
  }
}

bool has_value(std::string_view list, std::string_view value) {
  for (auto v : split(list, ',')) {
    if (v == value) return true;
  }
  return false;
}

std::optional<sockaddr_storage> address(std::string_view v4, std::string_view v6,
                                        std::string_view port) {
  sockaddr_storage a{};
  const std::string p(port);
  const unsigned long n = std::strtoul(p.c_str(), nullptr, 10);
  if (n == 0 || n > 65535) return std::nullopt;
  if (!v4.empty()) {
    auto* in = reinterpret_cast<sockaddr_in*>(&a);
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(n));
    if (inet_pton(AF_INET, std::string(v4).c_str(), &in->sin_addr) != 1) return std::nullopt;
    return a;
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&a);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(static_cast<uint16_t>(n));
  if (inet_pton(AF_INET6, std::string(v6).c_str(), &in6->sin6_addr) != 1) return std::nullopt;
  return a;
}

struct Stream {
  ConnKey key;
  bool fin = false, rst = false, decrypted = false;
  std::optional<int> alert;
  std::string status;
};

}  // namespace

WireTruth WireTruth::parse(std::string_view text) {
  std::map<uint64_t, Stream> streams;  // by tcp.stream: capture order
  for (auto line : split(text, '\n')) {
    if (line.empty()) continue;
    const auto c = split(line, '\t');
    if (c.size() != kColumns) continue;
    const uint64_t id = std::strtoull(std::string(c[0]).c_str(), nullptr, 10);
    auto [it, fresh] = streams.try_emplace(id);
    Stream& s = it->second;
    if (fresh) {
      const auto server = address(c[1], c[2], c[3]);
      const auto client = address(c[4], c[5], c[6]);
      const auto key = server && client ? conn_key(*client, *server) : std::nullopt;
      if (!key) {
        streams.erase(it);
        continue;
      }
      s.key = *key;
    }
    s.fin = s.fin || c[7] == "1" || c[7] == "True";
    s.rst = s.rst || c[8] == "1" || c[8] == "True";
    s.decrypted = s.decrypted || has_value(c[9], "20");
    // The first alert that is not close_notify (0): a server that answered and then closed
    // politely sent close_notify, which is no verdict on the certificate.
    for (auto a : split(c[10], ',')) {
      if (!s.alert && !a.empty() && a != "0") s.alert = std::atoi(std::string(a).c_str());
    }
    if (s.status.empty() && !c[11].empty()) s.status = split(c[11], ',')[0];
    if (s.status.empty() && !c[12].empty()) s.status = split(c[12], ',')[0];
  }
  WireTruth t;
  for (auto& [id, s] : streams) {
    WireRecord r;
    r.close = s.rst ? "rst" : s.fin ? "fin" : "open";
    // A response first: it answered; then an alert (sent in plain text before TLS 1.2's
    // Finished, so readable without keys); then how it closed, if its records could be read.
    if (!s.status.empty()) {
      r.truth = http_status_outcome(s.status, "").cls;
    } else if (s.alert) {
      r.truth = alert_outcome(*s.alert).cls;
    } else if (!s.decrypted) {
      r.truth = cls::kUnknownTruth;  // its records could not be read: no truth is assumed
    } else if (s.fin || s.rst) {
      r.truth = cls::kCloseNoAlert;
    } else {
      r.truth = cls::kUnknownTruth;  // neither answered nor closed before the capture ended
    }
    t.by_key_[s.key].push_back(std::move(r));
    ++t.connections_;
  }
  return t;
}

std::optional<std::filesystem::path> find_tshark() { return find_program("tshark"); }

WireTruth WireTruth::read(const std::filesystem::path& pcapng, uint16_t server_port) {
  const auto tshark = find_tshark();
  if (!tshark) {
    throw std::runtime_error(
        "truth from the wire needs tshark (Debian package tshark; scripts/setup installs it)");
  }
  const std::filesystem::path out = pcapng.string() + ".fields";
  // tshark's output goes to a file: a long run's fields are more than a pipe's kept bytes.
  std::vector<std::string> argv{"/bin/sh",
                                "-c",
                                "out=$1; shift; exec \"$@\" > \"$out\"",
                                "sh",
                                out.string(),
                                tshark->string(),
                                "-n",
                                "-r",
                                pcapng.string(),
                                "-d",
                                fmt::format("tcp.port=={},tls", server_port),
                                "-Y",
                                fmt::format("tcp.srcport=={}", server_port),
                                "-T",
                                "fields",
                                "-E",
                                "separator=/t",
                                "-E",
                                "occurrence=a",
                                "-E",
                                "aggregator=,"};
  for (const char* f : kFields) {
    argv.push_back("-e");
    argv.push_back(f);
  }
  const ProcessResult p = run_process(argv, kTsharkBound);
  if (p.interrupted) throw std::runtime_error("interrupted while tshark read the capture");
  if (p.timed_out || p.exit_code != 0) {
    throw std::runtime_error(fmt::format(
        "tshark could not read the capture {} ({}): {}", pcapng.string(),
        p.timed_out ? "timed out" : fmt::format("exit {}", p.exit_code), printable(p.err, 2048)));
  }
  const std::string text = read_input_file(out, kMaxFieldsBytes);
  std::filesystem::remove(out);
  return parse(text);
}

std::optional<WireRecord> WireTruth::take(const ConnKey& key) {
  const auto it = by_key_.find(key);
  if (it == by_key_.end() || it->second.empty()) return std::nullopt;
  WireRecord r = std::move(it->second.front());
  it->second.pop_front();
  return r;
}

}  // namespace h2race
