// libFuzzer target: any text as a client definition (a user's --client-def file, and the format the
// built-in ones are written in). Parsing must either succeed or throw DefinitionError with
// "FILE:LINE: " in front; a definition that parses must only name canonical classes, classify any
// answer into the canonical vocabulary without losing the text of an `other`, and fill in its
// argv without tripping over its placeholders.
#include <cstdlib>
#include <string>

#include "clients/external_client.h"
#include "core/classes.h"
#include "core/client_definition.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace h2race;
  const std::string text(reinterpret_cast<const char*>(data), size);
  ClientDefinition def;
  try {
    def = parse_client_definition(text, "/fuzz/f.client");
  } catch (const DefinitionError& e) {
    if (!std::string_view(e.what()).starts_with("/fuzz/f.client:")) std::abort();
    return 0;
  }
  for (const OutputRule& rule : def.rules.rules) {
    if (rule.action == RuleAction::kClass && !is_canonical_class(rule.cls)) std::abort();
  }
  // The definition's own words as answers, so the rules' markers are actually hit.
  for (int exit_code : {0, 1, 28}) {
    const Outcome o = classify_external(def.rules, {exit_code, text});
    if (!is_canonical_class(o.cls)) std::abort();
    if (o.cls == cls::kOther && o.raw.empty() && !text.empty()) std::abort();
  }
  ExternalSetup setup;
  setup.def = &def;
  setup.program = "/bin/true";
  setup.cert = "/c.crt";
  setup.key = "/c.key";
  setup.slow_request = std::chrono::microseconds(1);
  const auto argv = external_argv(setup, 3);
  if (argv.size() != def.argv.size() + def.cert_argv.size() + def.slow_request_argv.size()) {
    std::abort();
  }
  return 0;
}
