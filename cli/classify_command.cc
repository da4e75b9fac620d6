// `h2race classify --client NAME FILE`: the class of every answer line an external program printed
// (the line protocol), by its client definition's rules, as a run counts it. The author of a
// definition checks its rules on saved output without a run; a tool that reads a program's raw
// output (bench/go-trace, through scripts/go-read-loop) takes the classes from here instead of
// restating the rules.
#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "cli/commands.h"
#include "cli/user_files.h"
#include "clients/client_kinds.h"
#include "clients/external_client.h"
#include "clients/subprocess.h"
#include "core/input_file.h"

namespace h2race::cli {

int classify_command(const ClassifyFlags& f) {
  if (f.client.empty()) throw UsageError("classify needs --client NAME or --client-def FILE");
  // The flag the user typed: a --client-def's client is named by the file that declared it.
  const std::string given =
      f.client_def.empty() ? fmt::format("--client {}", f.client)
                           : fmt::format("--client-def {} (client {})", f.client_def, f.client);
  const ClientKindInfo* kind = find_client(f.client);
  if (!kind) {
    throw UsageError(fmt::format("{}: no such client ({})", given, client_names(answers_in_lines)));
  }
  if (!kind->program) {
    throw UsageError(
        fmt::format("{}: an in-process client; classify reads an external program's answers ({})",
                    given, client_names(answers_in_lines)));
  }
  if (!answers_in_lines(*kind)) {
    throw UsageError(fmt::format(
        "{}: answers by exit status and stderr, one request per process; classify reads the line "
        "protocol's answers ({})",
        given, client_names(answers_in_lines)));
  }
  const std::string text = read_input("", f.answers, kMaxAnswerBytes);
  std::string out;
  std::string_view rest = text;
  while (!rest.empty()) {
    const size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    // A run keeps the first kMaxLineBytes of a line (clients/subprocess.h) and classifies those.
    const std::string_view kept = line.substr(0, std::min(line.size(), kMaxLineBytes));
    out += fmt::format("{}\t{}\n", classify_answer_line(*kind->program, kept).cls, line);
  }
  print_stdout(out);
  check_stdout();
  return 0;
}

}  // namespace h2race::cli
