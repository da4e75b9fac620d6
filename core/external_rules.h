// Rule tables that turn what an external program printed into the canonical classes: one table
// per program, built from outputs captured on this machine (scripts/capture-external, tests in
// tests/external_rules_test.cc). Text no rule knows becomes `other` with the text kept.
#pragma once

#include <string>
#include <string_view>

#include "core/outcome.h"
#include "core/scenario.h"

namespace h2race {

// One request's answer as the program gave it: its exit status (curl, nghttp) and the error
// text a user reads (stderr for curl and nghttp, the result column for go-net-http).
struct ExternalReport {
  int exit_code = 0;
  std::string text;
};

// client names the program's rule table (curl, nghttp, go-net-http); with no table, or when no
// rule matches, the answer is `other` with the text kept.
Outcome classify_external(std::string_view client, const ExternalReport& report);

}  // namespace h2race
