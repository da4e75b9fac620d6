// libFuzzer target: any text and exit code through each built-in client definition's rules (the
// text comes from programs h2race does not control). It must classify without crashing, give a
// class from the canonical vocabulary, and never lose the text of an `other`. The first byte picks
// the definition (in name order: curl, go1.19-net-http, java, nghttp, node, python-httpx), the
// second is the exit code.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "analysis/report.h"
#include "core/classes.h"
#include "core/client_definition.h"
#include "core/external_rules.h"
#include "core/printable.h"
#include "core/run_record.h"

namespace {

std::vector<h2race::ClientDefinition> builtin_definitions() {
  std::vector<h2race::ClientDefinition> defs;
  std::set<std::string> rules_files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(H2RACE_SOURCE_DIR) + "/clients/external")) {
    if (entry.path().extension() != ".client") continue;
    defs.push_back(h2race::read_client_definition(entry.path()));
  }
  // The seeds' first byte picks a definition by its place in name order, one per rule set:
  // definitions that share a rules-from file (the Go client's builds) count once, as the first.
  std::sort(defs.begin(), defs.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::erase_if(defs, [&](const auto& d) {
    return !d.rules_from.empty() && !rules_files.insert(d.rules_from).second;
  });
  return defs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace h2race;
  static const std::vector<ClientDefinition> kDefinitions = builtin_definitions();
  if (size < 2 || kDefinitions.empty()) return 0;
  const ClientDefinition& def = kDefinitions[data[0] % kDefinitions.size()];
  const int exit_code = data[1];
  const std::string text(reinterpret_cast<const char*>(data + 2), size - 2);
  const Outcome o = classify_external(def.rules, {exit_code, text});
  if (!is_canonical_class(o.cls)) std::abort();
  if (o.cls == cls::kOther && o.raw.empty()) std::abort();
  // The program's words go on to every writer: table, JSON, Markdown and SVG must take any bytes
  // (they once threw on a byte that was not UTF-8, exit 3 and the JSON lost), and what they
  // keep must be printable.
  RunRecord run;
  run.scenario.client = def.name;
  run.histogram.add(o, cls::kCertificateRequired);
  const std::string example = run.histogram.classes().front().example;
  if (example != printable(example)) std::abort();
  (void)text_table(run);
  const RunRecord back = run_record_from_json(nlohmann::json::parse(to_json(run).dump()));
  if (back.histogram.classes().front().example != example) std::abort();
  (void)markdown_report({run});
  (void)svg_report({run});
  return 0;
}
