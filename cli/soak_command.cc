// `h2race soak [-n N] [--chunk C]`: the default scenario (or any, via the run flags) in chunks
// within one process; after each chunk samples RSS and open fds. Fails (exit 1) when either grows
// from the first chunk to the last beyond a small tolerance, when any iteration hit its timeout
// (a hang), or when any connect failed with EADDRNOTAVAIL (4-tuple exhaustion).
#include <dirent.h>
#include <fmt/format.h>

#include <fstream>
#include <string>

#include "cli/commands.h"
#include "cli/user_files.h"
#include "core/classes.h"
#include "core/interrupt.h"
#include "core/pki.h"
#include "harness/driver.h"

namespace h2race::cli {
namespace {

uint64_t rss_kib() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

uint64_t open_fds() {
  uint64_t n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d)) ++n;
    closedir(d);
  }
  return n - 3;  // ".", ".." and the directory's own fd
}

}  // namespace

int soak_command(const SoakFlags& f) {
  install_interrupt_handlers();
  const Pki pki(f.scenario.key_type);
  RunPlan chunk = plan_run(f.scenario);
  const uint64_t chunks = (f.scenario.iterations + f.chunk - 1) / f.chunk;
  uint64_t first_rss = 0, first_fds = 0, last_rss = 0, last_fds = 0, hangs = 0, exhausted = 0;
  uint64_t done = 0;
  print_stdout(fmt::format("{:>6} {:>10} {:>8} {:>10} {:>6} {:>8} {:>14}\n", "chunk", "iterations",
                           "it/s", "rss_kib", "fds", "timeouts", "EADDRNOTAVAIL"));
  for (uint64_t c = 0; c < chunks && !interrupted(); ++c) {
    chunk.scenario.iterations = std::min(f.chunk, f.scenario.iterations - done);
    const RunRecord run = run_scenario(chunk, pki);
    done += run.histogram.iterations();
    hangs += run.histogram.count(cls::kTimeout);
    exhausted += run.histogram.count("connect:EADDRNOTAVAIL");
    last_rss = rss_kib();
    last_fds = open_fds();
    if (c == 0) {
      first_rss = last_rss;
      first_fds = last_fds;
    }
    print_stdout(fmt::format("{:>6} {:>10} {:>8.0f} {:>10} {:>6} {:>8} {:>14}\n", c + 1, done,
                             static_cast<double>(run.histogram.iterations()) / run.elapsed_s,
                             last_rss, last_fds, run.histogram.count(cls::kTimeout),
                             run.histogram.count("connect:EADDRNOTAVAIL")));
  }
  if (interrupted()) return interrupt_exit_code();
  // Allocator noise is a few hundred KiB; a leak of one allocation per iteration is megabytes.
  const bool rss_grew = last_rss > first_rss + first_rss / 10 + 1024;
  const bool fds_grew = last_fds > first_fds;
  print_stdout(fmt::format(
      "soak: {} iterations; RSS {} -> {} KiB; fds {} -> {}; timeouts {}; EADDRNOTAVAIL {}\n", done,
      first_rss, last_rss, first_fds, last_fds, hangs, exhausted));
  if (rss_grew || fds_grew || hangs > 0 || exhausted > 0) {
    print_stderr(fmt::format("soak: FAILED ({}{}{}{})\n", rss_grew ? "RSS grew " : "",
                             fds_grew ? "fds grew " : "", hangs ? "iterations hung " : "",
                             exhausted ? "4-tuples exhausted" : ""));
    return kExitCheckFailed;
  }
  return 0;
}

}  // namespace h2race::cli
