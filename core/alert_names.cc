#include "core/alert_names.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace h2race {
namespace {
constexpr std::array<std::pair<int, std::string_view>, 30> kAlerts{{
    {0, "close_notify"},
    {10, "unexpected_message"},
    {20, "bad_record_mac"},
    {21, "decryption_failed"},
    {22, "record_overflow"},
    {40, "handshake_failure"},
    {42, "bad_certificate"},
    {43, "unsupported_certificate"},
    {44, "certificate_revoked"},
    {45, "certificate_expired"},
    {46, "certificate_unknown"},
    {47, "illegal_parameter"},
    {48, "unknown_ca"},
    {49, "access_denied"},
    {50, "decode_error"},
    {51, "decrypt_error"},
    {70, "protocol_version"},
    {71, "insufficient_security"},
    {80, "internal_error"},
    {86, "inappropriate_fallback"},
    {90, "user_canceled"},
    {100, "no_renegotiation"},
    {109, "missing_extension"},
    {110, "unsupported_extension"},
    {112, "unrecognized_name"},
    {113, "bad_certificate_status_response"},
    {114, "bad_certificate_hash_value"},
    {115, "unknown_psk_identity"},
    {116, "certificate_required"},
    {120, "no_application_protocol"},
}};
}  // namespace

std::string alert_name(int alert) {
  for (const auto& [number, name] : kAlerts) {
    if (number == alert) return std::string(name);
  }
  return fmt::format("alert_{}", alert);
}

std::optional<int> alert_number(std::string_view name) {
  for (const auto& [number, n] : kAlerts) {
    if (n == name) return number;
  }
  return std::nullopt;
}

}  // namespace h2race
