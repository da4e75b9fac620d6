#include "cli/flag_values.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace h2race::cli {
namespace {

// No description: the help already shows the type and range.
const CLI::Validator kDecimal(
    [](std::string& value) -> std::string {
      const bool digits =
          !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
      // "0" itself, but no leading zeros: "010" means ten to a person and eight to strtol.
      if (digits && (value.size() == 1 || value[0] != '0')) return "";
      return fmt::format("'{}' is not a decimal integer", value);
    },
    "");

const CLI::Validator kNonEmpty(
    [](std::string& value) -> std::string { return value.empty() ? "the value is empty" : ""; },
    "");

void check_options(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_items_expected_max() == 0) continue;  // a flag: no value
    const std::string type = opt->get_type_name();
    if (type.rfind("INT", 0) == 0 || type.rfind("UINT", 0) == 0) {
      opt->check(kDecimal);
    } else if (type.rfind("TEXT", 0) == 0) {
      opt->check(kNonEmpty);
    }
  }
}

}  // namespace

void check_every_value(CLI::App& app) {
  check_options(app);
  for (CLI::App* sub : app.get_subcommands({})) check_every_value(*sub);
}

CLI::Validator finite_range(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& value) -> std::string {
        double v = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (ec == std::errc() && end == value.data() + value.size() && v >= lo && v <= hi) {
          return "";
        }
        return fmt::format("'{}' is not a number in {}..{}", value, lo, hi);
      },
      fmt::format("in {}..{}", lo, hi));
}

}  // namespace h2race::cli
