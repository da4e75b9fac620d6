// libFuzzer target: any bytes through the histogram JSON loader, as `compare`, `merge` and
// `report` read user files. Bad input must be a std::invalid_argument naming the field (exit 2),
// never another exception (exit 3) or a crash. Every accepted input must satisfy what the loader
// promises (core/run_record.h): counts within 2^53 and consistent with each other; and it must
// format and load back to the same JSON.
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "analysis/report.h"
#include "core/printable.h"
#include "core/run_record.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// The invariants of an accepted histogram, recomputed from its parts.
void check_invariants(const h2race::Histogram& h) {
  using h2race::kMaxCount;
  check(h.iterations() <= kMaxCount);
  check(h.matched() <= h.iterations());
  uint64_t pairs = 0, matched = 0;
  for (const auto& [key, count] : h.pairs()) {
    check(count > 0 && count <= kMaxCount - pairs);
    pairs += count;
    if (key.first == key.second) matched += count;
  }
  check(pairs == h.iterations() && matched == h.matched());
  uint64_t classes = 0;
  for (const auto& c : h.classes()) {
    check(c.count > 0);
    classes += c.count;
  }
  check(classes == h.iterations());
  uint64_t truth = 0;
  for (const auto& [t, count] : h.truth()) truth += count;
  check(truth == h.iterations());
  check(h.divergent() == (h.classes().size() > 1));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace h2race;
  RunRecord run;
  try {
    run = run_record_from_json(
        parse_histogram_text(std::string_view(reinterpret_cast<const char*>(data), size)));
  } catch (const std::invalid_argument&) {
    return 0;
  }
  check_invariants(run.histogram);
  // Format -> load: what h2race writes it must read back, unchanged.
  const std::string once = to_json(run).dump();
  const RunRecord back = run_record_from_json(nlohmann::json::parse(once));
  check_invariants(back.histogram);
  check(to_json(back).dump() == once);
  // A hostile file's text reaches the writers `report` and the table use: none may throw, and
  // what they show of it is printable (no ESC for the terminal, no control character in the SVG).
  for (const auto& c : run.histogram.classes()) check(c.example == printable(c.example));
  const std::string table = text_table(run);
  const std::string svg = svg_report({run});
  for (const std::string* s : {&table, &svg}) {
    for (char ch : *s) check(ch == '\n' || static_cast<unsigned char>(ch) >= 0x20);
  }
  (void)markdown_report({run});
  return 0;
}
