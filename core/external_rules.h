// Output rules: how the raw answer of an external program (its exit code and the text its user
// reads) becomes a canonical class. The rules are data, read from the program's client definition
// (core/client_definition.h); the first rule that matches wins, and text no rule knows becomes
// `other` with the text kept, so a new error shows up instead of being miscounted.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/outcome.h"

namespace h2race {

// One request's answer as the program gave it: its exit status (one request per process) and the
// error text a user reads (stderr, or the answer column of the line protocol).
struct ExternalReport {
  int exit_code = 0;
  std::string text;
};

// What a matching rule makes of the answer: a fixed class, or a class whose last part is read from
// the text right after a marker (the alert's name, an HTTP/2 error code).
enum class RuleAction : uint8_t { kClass, kAlertAfter, kGoawayAfter, kRstStreamAfter };

struct OutputRule {
  std::optional<int> exit_code;       // must be equal, when given
  std::vector<std::string> contains;  // must all occur in the text
  RuleAction action = RuleAction::kClass;
  std::string cls;                   // kClass: the canonical class
  std::vector<std::string> markers;  // the others: the first marker present is read after
};

struct OutputRules {
  std::vector<OutputRule> rules;
  // A program's own words for an alert, e.g. Go's "unknown certificate authority", to the
  // RFC 8446 name (unknown_ca). Names not listed are the RFC name with spaces for underscores.
  std::vector<std::pair<std::string, std::string>> alert_names;
};

Outcome classify_external(const OutputRules& rules, const ExternalReport& report);

// A fixed class a rule may give: ok, timeout, other, tls_alert:<RFC name>, <op>:<errno name> or
// <op>:EOF (op connect, handshake, read, write), write:errno_lost, h2:no_connection,
// h2:goaway:<code>, h2:rst_stream:<code>, conn:closed_locally. The README defines each.
bool is_canonical_class(std::string_view cls);

}  // namespace h2race
