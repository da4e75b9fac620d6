#include "core/external_rules.h"

#include <fmt/format.h>

#include <cerrno>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "core/alert_names.h"
#include "core/classes.h"

namespace h2race {
namespace {

// A rule matches when the exit code (if given) is equal and the text contains `contains`;
// make builds the Outcome from the full report. The first matching rule wins.
struct Rule {
  std::optional<int> exit_code;
  std::string_view contains;
  std::function<Outcome(const ExternalReport&)> make;
};

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '|')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == '\n' || s.front() == ' ')) s.remove_prefix(1);
  return std::string(s);
}

auto errno_rule(std::string_view op, int err) {
  return [op, err](const ExternalReport& r) { return errno_outcome(op, err, trimmed(r.text)); };
}

auto class_rule(std::string_view cls, std::string op) {
  return [cls, op](const ExternalReport& r) {
    Outcome o = other_outcome(op, trimmed(r.text));
    o.cls = std::string(cls);
    return o;
  };
}

bool is_lower_or_space(char c) { return (c >= 'a' && c <= 'z') || c == ' '; }
bool is_letter_or_space(char c) { return is_lower_or_space(c) || (c >= 'A' && c <= 'Z'); }
bool is_code_char(char c) { return (c >= 'A' && c <= 'Z') || c == '_'; }

// The run of `allowed` characters right after the first `marker` at or after `from`; nullopt
// when the marker is absent or nothing allowed follows it. Plain scanning, not <regex>: GCC 12's
// <regex> trips -Wmaybe-uninitialized under the sanitizer build.
std::optional<std::string> word_after(std::string_view text, std::string_view marker,
                                      bool (*allowed)(char), size_t from = 0) {
  const size_t at = text.find(marker, from);
  if (at == std::string_view::npos) return std::nullopt;
  size_t end = at + marker.size();
  while (end < text.size() && allowed(text[end])) ++end;
  if (end == at + marker.size()) return std::nullopt;
  return std::string(text.substr(at + marker.size(), end - at - marker.size()));
}

// An alert named in the program's own words, once mapped to the RFC name; `other` if the name
// is not one the RFCs know (so a new spelling shows up instead of being miscounted).
Outcome alert_from_name(std::string rfc_name, const ExternalReport& r) {
  for (char& c : rfc_name) c = c == ' ' ? '_' : c;
  if (auto n = alert_number(rfc_name)) return alert_outcome(*n, trimmed(r.text));
  return other_outcome("handshake", trimmed(r.text));
}

// OpenSSL's reason strings: "sslv3 alert certificate expired", "tlsv1 alert unknown ca",
// "tlsv13 alert certificate required" — the RFC name with spaces.
Outcome openssl_alert(const ExternalReport& r) {
  for (std::string_view marker : {"sslv3 alert ", "tlsv1 alert ", "tlsv13 alert "}) {
    if (auto name = word_after(r.text, marker, is_lower_or_space)) {
      return alert_from_name(trimmed(*name), r);
    }
  }
  return other_outcome("handshake", trimmed(r.text));
}

// Go's crypto/tls alert texts ("remote error: tls: expired certificate") differ from the RFC
// names for a few alerts; the rest are the RFC name with spaces.
Outcome go_alert(const ExternalReport& r) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kGoNames{
      {"unknown certificate authority", "unknown_ca"},
      {"expired certificate", "certificate_expired"},
      {"revoked certificate", "certificate_revoked"},
      {"unknown certificate", "certificate_unknown"},
      {"error decoding message", "decode_error"},
      {"error decrypting message", "decrypt_error"},
      {"protocol version not supported", "protocol_version"},
      {"insufficient security level", "insufficient_security"},
      {"unknown PSK identity", "unknown_psk_identity"},
      {"bad record MAC", "bad_record_mac"}};
  const auto found = word_after(r.text, "remote error: tls: ", is_letter_or_space);
  if (!found) return other_outcome("handshake", trimmed(r.text));
  const std::string words = trimmed(*found);
  for (const auto& [go, rfc] : kGoNames) {
    if (words == go) return alert_from_name(std::string(rfc), r);
  }
  return alert_from_name(words, r);
}

// Go: "http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=NO_ERROR"
// and "stream error: stream ID 1; PROTOCOL_ERROR" use the same code names as nghttp2.
Outcome go_h2_frame(const ExternalReport& r) {
  Outcome o = other_outcome("h2", trimmed(r.text));
  const std::string_view text = r.text;
  if (const size_t goaway = text.find("GOAWAY"); goaway != std::string_view::npos) {
    if (auto code = word_after(text, "ErrCode=", is_code_char, goaway))
      o.cls = std::string(cls::kGoawayPrefix) + *code;
  }
  if (const size_t stream = text.find("stream error: stream ID ");
      stream != std::string_view::npos) {
    if (auto code = word_after(text, "; ", is_code_char, stream)) o.cls = "h2:rst_stream:" + *code;
  }
  return o;
}

auto ok_rule() {
  return [](const ExternalReport& r) { return ok_outcome(trimmed(r.text)); };
}

// curl 7.88 (OpenSSL 3, nghttp2): the exit code says which stage failed, the message why.
const std::vector<Rule>& curl_rules() {
  static const std::vector<Rule> rules{
      {0, "", ok_rule()},
      {std::nullopt, " alert ", openssl_alert},
      {std::nullopt, "Send failure: Broken pipe", errno_rule("write", EPIPE)},
      {std::nullopt, "Send failure: Connection reset by peer", errno_rule("write", ECONNRESET)},
      {std::nullopt, "Recv failure: Connection reset by peer", errno_rule("read", ECONNRESET)},
      // curl asks the kernel for the peer's address after connecting; when the server has
      // already closed, it stops there and says only this.
      {std::nullopt, "getpeername() failed with errno 107", errno_rule("connect", ENOTCONN)},
      // "Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server": exit 7
      // is a refused connection (a connect timeout is exit 28).
      {7, "Couldn't connect to server", errno_rule("connect", ECONNREFUSED)},
      {std::nullopt, "unexpected eof while reading", class_rule(cls::kReadEof, "read")},
      {28, "", class_rule(cls::kTimeout, "")},
  };
  return rules;
}

// nghttp 1.52: on any failure before the response it prints no cause at all, only that the
// request was not processed, and exits 0. That is "no connection" as a user sees it.
const std::vector<Rule>& nghttp_rules() {
  static const std::vector<Rule> rules{
      // Printed before the "not processed" line when the TCP connect fails.
      {std::nullopt, "Could not connect to the address", errno_rule("connect", ECONNREFUSED)},
      {std::nullopt, "Some requests were not processed", class_rule(cls::kNoConnection, "h2")},
      {std::nullopt, "[ERROR]", class_rule(cls::kOther, "")},
      {0, "", ok_rule()},
  };
  return rules;
}

// go-net-http (clients/go/): "ok <status>" or "error <err.Error()>" from Go 1.19's net/http.
const std::vector<Rule>& go_net_http_rules() {
  static const std::vector<Rule> rules{
      {std::nullopt, "ok ", ok_rule()},
      {std::nullopt, "remote error: tls: ", go_alert},
      {std::nullopt, "write: broken pipe", errno_rule("write", EPIPE)},
      {std::nullopt, "write: connection reset by peer", errno_rule("write", ECONNRESET)},
      {std::nullopt, "read: connection reset by peer", errno_rule("read", ECONNRESET)},
      {std::nullopt, "client conn could not be established", class_rule(cls::kNoConnection, "h2")},
      {std::nullopt, "client conn not usable", class_rule(cls::kNoConnection, "h2")},
      {std::nullopt, "GOAWAY", go_h2_frame},
      {std::nullopt, "stream error: ", go_h2_frame},
      {std::nullopt, "connect: connection refused", errno_rule("connect", ECONNREFUSED)},
      {std::nullopt, "Client.Timeout exceeded", class_rule(cls::kTimeout, "")},
      {std::nullopt, "i/o timeout", class_rule(cls::kTimeout, "")},
      {std::nullopt, ": EOF", class_rule(cls::kReadEof, "read")},
  };
  return rules;
}

// nullptr for a client no table knows.
const std::vector<Rule>* rules_for(std::string_view client) {
  if (client == "curl") return &curl_rules();
  if (client == "nghttp") return &nghttp_rules();
  if (client == "go-net-http") return &go_net_http_rules();
  return nullptr;
}

}  // namespace

Outcome classify_external(std::string_view client, const ExternalReport& report) {
  static const std::vector<Rule> kNoRules;
  const std::vector<Rule>* rules = rules_for(client);
  for (const Rule& rule : rules ? *rules : kNoRules) {
    if (rule.exit_code && *rule.exit_code != report.exit_code) continue;
    if (report.text.find(rule.contains) == std::string::npos) continue;
    return rule.make(report);
  }
  std::string raw = trimmed(report.text);
  if (raw.empty()) raw = "(no output)";
  return other_outcome("", fmt::format("exit {}: {}", report.exit_code, raw));
}

}  // namespace h2race
