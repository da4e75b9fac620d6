// The h2race command line: declaration, parsing (no side effects but messages on stderr, so a
// fuzzer can drive it) and dispatch to the subcommands.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace h2race::cli {

// Defined in cli_app.cc: it holds the CLI11 app, and keeping CLI11 out of this header keeps it out
// of main.cc and the fuzzer (CLI11 is header-only and slow to compile, ~40 s per file under ASan).
struct Cli;
struct CliDeleter {
  void operator()(Cli* cli) const;
};
using CliPtr = std::unique_ptr<Cli, CliDeleter>;

CliPtr make_cli();
// args without the program name. nullopt: a subcommand is ready to run; otherwise the exit code
// (0 after --help/--version, 2 for bad usage, message already printed).
std::optional<int> parse_cli(Cli& cli, std::vector<std::string> args);
int dispatch(Cli& cli);

}  // namespace h2race::cli
