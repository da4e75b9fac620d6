#include "cli/histogram_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "cli/commands.h"
#include "cli/user_files.h"
#include "core/input_file.h"

namespace h2race::cli {

RunRecord load_run(const std::string& path) {
  const std::string text = read_input("", path, kMaxHistogramBytes);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw UsageError(fmt::format("{}: empty file", path));
  }
  try {
    return run_record_from_json(parse_histogram_text(text));
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("{}: {}", path, e.what()));
  }
}

std::vector<std::string> scenario_differences(const Scenario& a, const Scenario& b) {
  const nlohmann::json ja = a.to_json();
  const nlohmann::json jb = b.to_json();
  std::vector<std::string> keys;
  for (const auto& [k, v] : ja.items()) keys.push_back(k);
  for (const auto& [k, v] : jb.items()) {
    if (!ja.contains(k)) keys.push_back(k);
  }
  std::vector<std::string> out;
  for (const auto& k : keys) {
    const nlohmann::json va = ja.value(k, nlohmann::json(nullptr));
    const nlohmann::json vb = jb.value(k, nlohmann::json(nullptr));
    if (k != "id" && va != vb)
      out.push_back(fmt::format("{} ({} against {})", k, va.dump(), vb.dump()));
  }
  return out;
}

std::vector<std::string> expand_json_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  for (const auto& in : inputs) {
    if (std::filesystem::is_directory(in)) {
      std::vector<std::string> found;
      for (const auto& e : std::filesystem::directory_iterator(in)) {
        if (e.path().extension() == ".json") found.push_back(e.path().string());
      }
      if (found.empty()) throw UsageError(fmt::format("{}: directory has no *.json files", in));
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back(in);
    }
  }
  return out;
}

}  // namespace h2race::cli
