#include "core/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "core/printable.h"

namespace h2race {

template <>
const std::vector<std::pair<std::string, Proto>>& spellings<Proto>() {
  static const std::vector<std::pair<std::string, Proto>> t{{"h2", Proto::kH2}, {"h1", Proto::kH1}};
  return t;
}
template <>
const std::vector<std::pair<std::string, TlsVersion>>& spellings<TlsVersion>() {
  static const std::vector<std::pair<std::string, TlsVersion>> t{{"1.3", TlsVersion::k13},
                                                                 {"1.2", TlsVersion::k12}};
  return t;
}
template <>
const std::vector<std::pair<std::string, ClientCert>>& spellings<ClientCert>() {
  static const std::vector<std::pair<std::string, ClientCert>> t{
      {"none", ClientCert::kNone},
      {"untrusted", ClientCert::kUntrusted},
      {"expired", ClientCert::kExpired},
      {"valid", ClientCert::kValid},
      {"wrong-usage", ClientCert::kWrongUsage}};
  return t;
}
template <>
const std::vector<std::pair<std::string, ServerClose>>& spellings<ServerClose>() {
  static const std::vector<std::pair<std::string, ServerClose>> t{
      {"immediate", ServerClose::kImmediate},
      {"linger", ServerClose::kLinger},
      {"reset", ServerClose::kReset}};
  return t;
}
template <>
const std::vector<std::pair<std::string, ServerRead>>& spellings<ServerRead>() {
  static const std::vector<std::pair<std::string, ServerRead>> t{{"ahead", ServerRead::kAhead},
                                                                 {"record", ServerRead::kRecord}};
  return t;
}
template <>
const std::vector<std::pair<std::string, KeyType>>& spellings<KeyType>() {
  static const std::vector<std::pair<std::string, KeyType>> t{
      {"ed25519", KeyType::kEd25519}, {"p256", KeyType::kP256}, {"rsa2048", KeyType::kRsa2048}};
  return t;
}

template <typename E>
std::optional<E> parse(std::string_view text) {
  for (const auto& [spelling, value] : spellings<E>()) {
    if (spelling == text) return value;
  }
  return std::nullopt;
}

namespace {
template <typename E>
std::string_view lookup(E v) {
  for (const auto& [spelling, value] : spellings<E>()) {
    if (value == v) return spelling;
  }
  return "?";
}

template <typename E>
E field(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) {
    throw std::invalid_argument(fmt::format("scenario.{}: missing or not a string", key));
  }
  auto v = parse<E>(j[key].get<std::string>());
  if (!v) {
    throw std::invalid_argument(
        fmt::format("scenario.{}: unknown value \"{}\"", key, j[key].get<std::string>()));
  }
  return *v;
}
}  // namespace

template std::optional<Proto> parse<Proto>(std::string_view);
template std::optional<TlsVersion> parse<TlsVersion>(std::string_view);
template std::optional<ClientCert> parse<ClientCert>(std::string_view);
template std::optional<ServerClose> parse<ServerClose>(std::string_view);
template std::optional<ServerRead> parse<ServerRead>(std::string_view);
template std::optional<KeyType> parse<KeyType>(std::string_view);

std::string_view name(Proto v) { return lookup(v); }
std::string_view name(TlsVersion v) { return lookup(v); }
std::string_view name(ClientCert v) { return lookup(v); }
std::string_view name(ServerClose v) { return lookup(v); }
std::string_view name(ServerRead v) { return lookup(v); }
std::string_view name(KeyType v) { return lookup(v); }

nlohmann::json Scenario::to_json() const {
  nlohmann::json j{{"id", id()},
                   {"proto", name(proto)},
                   {"tls", name(tls)},
                   {"client_cert", name(client_cert)},
                   {"client", client},
                   {"server_close", name(server_close)},
                   {"server_read", name(server_read)},
                   {"key", name(key_type)},
                   {"jobs", jobs},
                   {"fresh_server", fresh_server}};
  j["schedule"] = schedule ? nlohmann::json(*schedule) : nlohmann::json(nullptr);
  if (alert_grace) j["alert_grace_ms"] = alert_grace->count();
  if (go_timing) {
    auto& g = j["go_timing"] = nlohmann::json::object();
    for (const auto& f : kGoTimingFields)
      g[go_timing_json_key(f)] = ((*go_timing).*f.member).count();
  }
  if (slow_request.count() > 0) j["slow_request_us"] = slow_request.count();
  if (server_close == ServerClose::kLinger) j["linger_ms"] = linger.count();
  if (!server.empty()) j["server"] = server;
  if (!server_knob.empty()) j["server_knob"] = server_knob;
  return j;
}

std::string go_timing_json_key(const GoTimingField& f) {
  std::string key(f.name);
  std::replace(key.begin(), key.end(), '-', '_');
  return key + "_us";
}

Scenario Scenario::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("scenario: not an object");
  Scenario s;
  s.proto = field<Proto>(j, "proto");
  s.tls = field<TlsVersion>(j, "tls");
  s.client_cert = field<ClientCert>(j, "client_cert");
  if (!j.contains("client") || !j["client"].is_string() || j["client"].get<std::string>().empty()) {
    throw std::invalid_argument("scenario.client: missing or not a non-empty string");
  }
  s.client = j["client"].get<std::string>();
  if (s.client != printable(s.client)) {
    throw std::invalid_argument("scenario.client: not printable text");
  }
  s.server_close = field<ServerClose>(j, "server_close");
  s.key_type = field<KeyType>(j, "key");
  // Histograms written before the field existed were measured with one-record reads.
  s.server_read =
      j.contains("server_read") ? field<ServerRead>(j, "server_read") : ServerRead::kRecord;
  if (j.contains("jobs")) {
    if (!j["jobs"].is_number_integer() || j["jobs"].get<int64_t>() < 1 ||
        j["jobs"].get<int64_t>() > kMaxJobs) {
      throw std::invalid_argument(fmt::format("scenario.jobs: not an integer in 1..{}", kMaxJobs));
    }
    s.jobs = static_cast<int>(j["jobs"].get<int64_t>());
  }
  if (j.contains("fresh_server")) {
    if (!j["fresh_server"].is_boolean()) {
      throw std::invalid_argument("scenario.fresh_server: not a boolean");
    }
    s.fresh_server = j["fresh_server"].get<bool>();
  }
  if (j.contains("alert_grace_ms") && j["alert_grace_ms"].is_number_integer()) {
    s.alert_grace = std::chrono::milliseconds(j["alert_grace_ms"].get<int64_t>());
  }
  if (j.contains("go_timing") && j["go_timing"].is_object()) {
    const auto& g = j["go_timing"];
    GoTiming t;
    for (const auto& f : kGoTimingFields) {
      const std::string k = go_timing_json_key(f);
      if (!g.contains(k) && !f.required_in_json) continue;
      if (!g.contains(k) || !g[k].is_number_integer() || g[k].get<int64_t>() < 0) {
        throw std::invalid_argument(
            fmt::format("scenario.go_timing.{}: missing or not a non-negative integer", k));
      }
      t.*f.member = std::chrono::microseconds(g[k].get<int64_t>());
    }
    s.go_timing = t;
  }
  if (j.contains("slow_request_us")) {
    if (!j["slow_request_us"].is_number_integer() || j["slow_request_us"].get<int64_t>() < 0 ||
        j["slow_request_us"].get<int64_t>() > kMaxSlowRequestUs) {
      throw std::invalid_argument(
          fmt::format("scenario.slow_request_us: not an integer in 0..{}", kMaxSlowRequestUs));
    }
    s.slow_request = std::chrono::microseconds(j["slow_request_us"].get<int64_t>());
  }
  if (j.contains("linger_ms") && j["linger_ms"].is_number_integer()) {
    s.linger = std::chrono::milliseconds(j["linger_ms"].get<int64_t>());
  }
  if (j.contains("schedule") && j["schedule"].is_string()) {
    s.schedule = j["schedule"].get<std::string>();
  }
  for (auto [key, member] :
       {std::pair{"server", &Scenario::server}, std::pair{"server_knob", &Scenario::server_knob}}) {
    if (!j.contains(key)) continue;
    if (!j[key].is_string() || j[key].get<std::string>() != printable(j[key].get<std::string>())) {
      throw std::invalid_argument(fmt::format("scenario.{}: not printable text", key));
    }
    s.*member = j[key].get<std::string>();
  }
  return s;
}

std::string Scenario::id() const {
  std::string tls_id = tls == TlsVersion::k13 ? "tls13" : "tls12";
  return fmt::format("{}-{}-{}-{}-{}-{}{}{}", name(proto), tls_id, name(client_cert), client,
                     name(server_close), name(key_type),
                     server_read == ServerRead::kRecord ? "-record" : "",
                     fresh_server ? "-fresh" : "") +
         (server.empty() ? "" : "-on-" + server) +
         (server_knob.empty() ? "" : "-knob-" + server_knob) +
         (slow_request.count() > 0 ? fmt::format("-slow-request-{}us", slow_request.count()) : "");
}

}  // namespace h2race
