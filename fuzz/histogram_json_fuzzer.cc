// libFuzzer target: any bytes through the histogram JSON loader, as `compare`, `merge` and
// `report` read user files. Bad input must be a std::invalid_argument naming the field (exit 2),
// never another exception (exit 3) or a crash; a loaded record must write back and load again
// to the same JSON.
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/run_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace h2race;
  const auto j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  RunRecord run;
  try {
    run = run_record_from_json(j);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  const std::string once = to_json(run).dump();
  if (to_json(run_record_from_json(nlohmann::json::parse(once))).dump() != once) std::abort();
  return 0;
}
