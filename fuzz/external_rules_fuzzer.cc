// libFuzzer target: any text and exit code through each external client's rule table (the text
// comes from programs h2race does not control). It must classify without crashing, give a class
// from the canonical vocabulary, and never lose the text of an `other`.
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/classes.h"
#include "core/external_rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace h2race;
  if (size < 2) return 0;
  static constexpr std::string_view kClients[] = {"curl", "nghttp", "go-net-http"};
  const std::string_view client = kClients[data[0] % 3];
  const int exit_code = data[1];
  const std::string text(reinterpret_cast<const char*>(data + 2), size - 2);
  const Outcome o = classify_external(client, {exit_code, text});
  static constexpr std::string_view kPrefixes[] = {cls::kAlertPrefix, "write:",   "read:",
                                                   "connect:",        "h2:",      cls::kTimeout,
                                                   cls::kOk,          cls::kOther};
  bool known = false;
  for (std::string_view p : kPrefixes) known = known || o.cls.starts_with(p);
  if (!known) std::abort();
  if (o.cls == cls::kOther && o.raw.empty()) std::abort();
  return 0;
}
