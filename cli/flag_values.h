// Checks every flag value gets, whatever its subcommand: integers are plain decimal (CLI11 alone
// reads "010" as octal 8 and "0x10" as 16), text is never empty (`--json ""` would otherwise
// silently mean "no JSON"), and real numbers are finite and in range (NaN passes CLI::Range).
#pragma once

#include <CLI/CLI.hpp>

namespace h2race::cli {

// Adds the decimal check to every integer option and the non-empty check to every text option
// of app and its subcommands. Call once every option is declared.
void check_every_value(CLI::App& app);

// lo <= value <= hi, and a number (not NaN, not text).
CLI::Validator finite_range(double lo, double hi);

}  // namespace h2race::cli
