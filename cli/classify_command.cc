// `h2race classify --client NAME FILE`: the class of every answer line an external program printed
// (the line protocol), by its client definition's rules, as a run counts it. The author of a
// definition checks its rules on saved output without a run; a tool that reads a program's raw
// output (bench/go-trace, through scripts/go-read-loop) takes the classes from here instead of
// restating the rules.
#include <fmt/format.h>

#include <string_view>

#include "cli/commands.h"
#include "cli/user_files.h"
#include "clients/client_kinds.h"
#include "clients/external_client.h"
#include "core/input_file.h"

namespace h2race::cli {

int classify_command(const ClassifyFlags& f) {
  if (f.client.empty()) {
    throw UsageError("--client or --client-def: the program whose rules classify the lines");
  }
  const ClientKindInfo* kind = find_client(f.client);
  if (!kind) {
    throw UsageError(fmt::format("--client {}: no such client ({})", f.client, client_names()));
  }
  if (!kind->program) {
    throw UsageError(fmt::format(
        "--client {}: an in-process client; classify reads an external program's answers",
        f.client));
  }
  if (kind->program->answers != ClientDefinition::Answers::kLines) {
    throw UsageError(fmt::format(
        "--client {}: answers by exit status and stderr, one request per process; classify reads "
        "the line protocol's answers",
        f.client));
  }
  const std::string text = read_input("", f.answers, kMaxAnswerBytes);
  std::string out;
  std::string_view rest = text;
  while (!rest.empty()) {
    const size_t end = rest.find('\n');
    const std::string line(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    out += fmt::format("{}\t{}\n", classify_answer_line(*kind->program, line).cls, line);
  }
  print_stdout(out);
  check_stdout();
  return 0;
}

}  // namespace h2race::cli
