// TLS alert numbers to their RFC 8446 (and RFC 5246) names, the spelling of tls_alert:<name>.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace h2race {

// "certificate_required" for 116; "alert_<n>" for numbers no RFC names.
std::string alert_name(int alert);
std::optional<int> alert_number(std::string_view name);

}  // namespace h2race
