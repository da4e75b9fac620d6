// libFuzzer target: argument vectors through the h2race command line (parse only, nothing runs).
// Input bytes split at NUL into arguments. Parsing must end in "ready to run" or an exit code of
// 0 (help) or 2 (bad usage) — never a crash, an exception, or another code. Run it with
// -close_fd_mask=3: the help and error text it prints is not what is tested.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/cli_app.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace h2race::cli;
  std::vector<std::string> args;
  std::string cur;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(static_cast<char>(data[i]));
    }
  }
  if (!cur.empty() || args.empty()) args.push_back(cur);
  if (args.size() > 64) return 0;
  auto cli = make_cli();
  const auto code = parse_cli(*cli, args);
  if (code && *code != 0 && *code != kExitUsage) std::abort();
  return 0;
}
