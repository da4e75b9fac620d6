// libFuzzer target: input bytes -> (client, certificate, schedule) -> one replay of that schedule
// through the functions `h2race replay` uses (cli/replay_input.h): the scenario parsed from the
// schedule's header, a new in-process server, the truth it recorded for the connection. A
// *finding* is a connection whose class differs from that truth. It is written to
// $H2RACE_FINDINGS_DIR (default ./findings) as a schedule file with every setting that shapes the
// race in its header, loaded back from that file and replayed 20 times as `h2race replay FILE
// --times 20` does: at >= 19/20 with no expired wait it is kept as <class>.sched, a reproducer;
// below that as unreproducible/<class>.sched with its rate ("seen, not reproducible"). Per class
// the file that replays best is kept. A finding never aborts the process, so any crash is a
// defect of the harness.
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <variant>

#include "cli/commands.h"
#include "cli/replay_input.h"
#include "core/classes.h"
#include "core/clock.h"
#include "core/file_error.h"
#include "core/input_file.h"
#include "core/output_file.h"
#include "core/pki.h"
#include "fuzz/fuzz_schedule_input.h"

namespace h2race {
namespace {

constexpr uint64_t kConfirmReplays = 20;
constexpr uint64_t kReproducerMin = 19;  // of kConfirmReplays: the bar for a reproducer
constexpr std::chrono::milliseconds kFuzzTimeout{1000};

struct FuzzEnv {
  Pki pki{KeyType::kEd25519};  // the scenario's default key; every input uses it
  std::filesystem::path findings;
  std::map<std::pair<std::string, std::string>, int> pair_ids;
  std::map<std::string, Clock::time_point> last_confirm;
  std::set<std::string> settled;  // classes with a 20/20 reproducer ordered by waits
};

FuzzEnv* env = nullptr;

// Each distinct (truth, class) pair reaches its own function, hence its own coverage edge, so
// coverage guidance keeps an input that reaches a pair no earlier input reached.
constexpr int kPairPaths = 32;
volatile int pair_sink;

template <int N>
__attribute__((noinline)) void reach_pair() {
  pair_sink = N;
}

template <int... N>
constexpr std::array<void (*)(), sizeof...(N)> pair_table(std::integer_sequence<int, N...>) {
  return {&reach_pair<N>...};
}

void pair_path(const std::string& truth, const std::string& seen) {
  static constexpr auto kTable = pair_table(std::make_integer_sequence<int, kPairPaths>());
  const int id =
      env->pair_ids.emplace(std::make_pair(truth, seen), static_cast<int>(env->pair_ids.size()))
          .first->second;
  if (id < kPairPaths) kTable[id]();
}

// What an earlier finding at path says of itself: its "# replay rate: N/20" (-1 when there is
// no file) and whether its schedule orders the peers with waits. One read of the file.
struct Recorded {
  int rate = -1;
  bool ordered = false;
};
Recorded read_finding(const std::filesystem::path& path) {
  std::string text;
  try {
    text = read_input_file(path, kMaxScheduleBytes);
  } catch (const FileError&) {
    return {};
  }
  Recorded r;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (std::sscanf(line.c_str(), "# replay rate: %d/", &r.rate) == 1) break;
  }
  const auto parsed = parse_schedule(text, path.string());
  r.ordered = std::holds_alternative<Schedule>(parsed) && std::get<Schedule>(parsed).has_waits();
  return r;
}

// A client's error text on one header line.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return text;
}

// The input as `h2race replay` would read it from a file: its scenario header parsed and
// resolved, then spelled out in full so that the finding names every setting.
cli::ReplayInput as_replay(const FuzzCase& fc) {
  Schedule s = fc.schedule;
  s.scenario_flags += fmt::format(" --timeout-ms {}", kFuzzTimeout.count());
  cli::ReplayInput in = cli::parse_replay(s.format(), "schedule_fuzzer input");
  in.plan.schedule->scenario_flags = cli::scenario_flags_text(in.scenario());
  return in;
}

void record_finding(const cli::ReplayInput& in, const std::string& truth, const std::string& seen,
                    const std::string& raw) {
  // Nothing can replay better than a full rate with the race ordered by waits: such a class is
  // settled, and its findings cost no file read from then on (natural races make many).
  if (env->settled.count(seen)) return;
  const auto reproducer = env->findings / (seen + ".sched");
  const auto unreproducible = env->findings / "unreproducible" / (seen + ".sched");
  const Recorded recorded = read_finding(reproducer);
  const int best = recorded.rate;
  if (best >= static_cast<int>(kConfirmReplays) && recorded.ordered) {
    env->settled.insert(seen);
    return;
  }
  if (best >= static_cast<int>(kConfirmReplays) && !in.schedule().has_waits()) return;
  // Natural races make many inputs findings, and each confirmation costs 20 replays: an input
  // that relies on timing alone, of a class with a file already, gets at most one confirmation
  // per second. One whose waits held is rarer and is always tried: it may order the race.
  auto& last = env->last_confirm[seen];
  if (!in.schedule().has_waits() && (best >= 0 || std::filesystem::exists(unreproducible)) &&
      Clock::now() - last < std::chrono::seconds(1)) {
    return;
  }
  last = Clock::now();

  // The finding is judged by reading it back from a file, exactly as `h2race replay` reads it.
  // Its waits get the default bound: the fuzzer's short one keeps inputs whose waits can never
  // hold cheap, but a wait that held ends when its point is reached, and on a slower machine or
  // build the short bound would expire where the ordering still holds.
  Schedule s = in.schedule();
  s.expect = seen;
  for (auto& a : s.actions) {
    if (a && a->kind == Action::Kind::kWait) a->duration = kDefaultWaitBound;
  }
  std::filesystem::create_directories(env->findings / "unreproducible");
  const auto candidate = env->findings / fmt::format(".candidate-{}.sched", getpid());
  const std::string header =
      fmt::format("# found by schedule_fuzzer: the server's truth {}; the client saw {} ({})\n",
                  truth, seen, one_line(raw));
  write_output_file(candidate, header + s.format());
  const RunRecord run =
      cli::replay(cli::load_replay(candidate.string()), env->pki, kConfirmReplays);
  std::filesystem::remove(candidate);
  const uint64_t rate = run.histogram.count(seen);
  const bool held = run.schedule_failures == 0;
  std::string rate_line = fmt::format("# replay rate: {}/{} through `h2race replay`'s code path",
                                      rate, kConfirmReplays);
  if (!held) rate_line += fmt::format(" ({} waits expired)", run.schedule_failures);
  const std::string text = header + rate_line + "\n" + s.format();
  if (held && rate >= kReproducerMin) {
    // At the same rate, a schedule that orders the peers with waits beats one that relies on
    // timing (sleeps, yields): the ordering holds on another machine or build, timing may not.
    const bool better = static_cast<int>(rate) > best ||
                        (static_cast<int>(rate) == best && s.has_waits() && !recorded.ordered);
    if (!better) return;
    write_output_file(reproducer, text);
    std::filesystem::remove(unreproducible);
    fmt::print(stderr, "h2race finding: {} (truth {}), replays {}/{} -> {}\n", seen, truth, rate,
               kConfirmReplays, reproducer.string());
  } else if (best < 0 && static_cast<int>(rate) > read_finding(unreproducible).rate) {
    write_output_file(unreproducible, text);
    fmt::print(stderr, "h2race seen, not reproducible: {} (truth {}), replays {}/{}{} -> {}\n",
               seen, truth, rate, kConfirmReplays, held ? "" : ", waits expired",
               unreproducible.string());
  }
}

}  // namespace
}  // namespace h2race

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  using namespace h2race;
  env = new FuzzEnv();
  const char* dir = std::getenv("H2RACE_FINDINGS_DIR");
  env->findings = dir ? dir : "findings";
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace h2race;
  const cli::ReplayInput in = as_replay(decode_fuzz_input(data, size));
  const RunRecord run = cli::replay(in, env->pki, 1);
  // A schedule that did not hold, or a connection the server never recorded, proves nothing.
  if (run.schedule_failures > 0 || run.histogram.pairs().size() != 1) return 0;
  const auto& [truth, seen] = run.histogram.pairs().begin()->first;
  if (truth == cls::kUnknownTruth) return 0;
  pair_path(truth, seen);
  if (seen != truth) record_finding(in, truth, seen, run.histogram.classes().front().example);
  return 0;
}
