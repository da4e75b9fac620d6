// The h2race command line: declaration, parsing (no side effects but messages on stderr, so a
// fuzzer can drive it) and dispatch to the subcommands.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/cli/commands.h"

namespace h2race::cli {

struct Cli {
  CLI::App app;
  RunFlags run_flags;
  ReplayFlags replay_flags;
  SoakFlags soak_flags;
  CompareFlags compare_flags;
  MergeFlags merge_flags;
  MatrixFlags matrix_flags;
  ReportFlags report_flags;
  ServeFlags serve_flags;
  ProbeFlags probe_flags;
  CLI::App *run = nullptr, *replay = nullptr, *soak = nullptr, *compare = nullptr, *merge = nullptr,
           *matrix = nullptr, *report = nullptr, *serve = nullptr, *probe = nullptr;
};

std::unique_ptr<Cli> make_cli();
// args without the program name. nullopt: a subcommand is ready to run; otherwise the exit code
// (0 after --help/--version, 2 for bad usage, message already printed).
std::optional<int> parse_cli(Cli& cli, std::vector<std::string> args);
int dispatch(Cli& cli);

}  // namespace h2race::cli
