// The `h2race` binary: parse (cli/cli_app.cc declares every flag), then run.
#include <fmt/format.h>

#include "cli/cli_app.h"
#include "cli/user_files.h"
#include "core/interrupt.h"

int main(int argc, char** argv) {
  using namespace h2race::cli;
  occupy_closed_standard_streams();
  h2race::ignore_sigxfsz();
  try {
    auto cli = make_cli();
    if (auto code = parse_cli(*cli, std::vector<std::string>(argv + 1, argv + argc))) return *code;
    return dispatch(*cli);
  } catch (const std::exception& e) {
    print_stderr(fmt::format("h2race: internal error: {}\n", e.what()));
    return kExitInternal;
  }
}
