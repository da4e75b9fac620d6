#include "clients/client_kinds.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "core/beside_binary.h"

namespace h2race {
namespace {

const std::array<ClientKindInfo, 5> kInProcessKinds = {{
    {.name = "go",
     .run = run_go_client,
     .go_timing = &kGoTimingGo,
     .help = "model of current Go's http2 Transport, fitted to Go 1.26.8 (the default)"},
    {.name = "go1.19",
     .run = run_go119_client,
     .go_timing = &kGoTimingGo119,
     .help = "model of Go 1.19.8's (Debian's), fitted to it: redials where current Go gives "
             "h2:no_connection"},
    {.name = "sequential",
     .run = run_sequential_client,
     .help = "writes preface and request, then reads: the first failing call's error"},
    {.name = "h1",
     .run = run_h1_client,
     .speaks = Speaks::kH1,
     .help = "HTTP/1.1: request, then read the answer"},
    {.name = "prefer-alert",
     .run = run_prefer_alert_client,
     .waits_for_alert = true,
     .go_timing = &kGoTimingGo,
     .help = "go, but after a transport error it waits --alert-grace-ms for the alert"},
}};

// The rows, and the definitions the program rows point into (deques: adding never moves them).
struct Registry {
  std::deque<ClientDefinition> definitions;
  std::deque<ClientKindInfo> kinds;

  const ClientKindInfo& add(ClientDefinition def) {
    const ClientDefinition& d = definitions.emplace_back(std::move(def));
    const Speaks speaks = d.speaks_h1 && d.speaks_h2 ? Speaks::kBoth
                          : d.speaks_h1              ? Speaks::kH1
                                                     : Speaks::kH2;
    return kinds.emplace_back(
        ClientKindInfo{.name = d.name, .program = &d, .speaks = speaks, .help = d.summary});
  }
};

ClientDefinition read_definition(const std::filesystem::path& file) {
  ClientDefinition def = read_client_definition(file);
  // The format cannot know the in-process clients; this layer does.
  if (!def.modeled_by.empty() &&
      std::none_of(std::begin(kInProcessKinds), std::end(kInProcessKinds),
                   [&](const ClientKindInfo& k) { return k.name == def.modeled_by; })) {
    // Not client_names(): this runs while the registry that it reads is being built.
    std::string names;
    for (const ClientKindInfo& k : kInProcessKinds)
      names += (names.empty() ? "" : "|") + std::string(k.name);
    throw DefinitionError(fmt::format("{}: modeled-by {}: not an in-process client ({})",
                                      file.string(), def.modeled_by, names));
  }
  return def;
}

Registry& registry() {
  static Registry r = [] {
    Registry reg;
    for (const ClientKindInfo& k : kInProcessKinds) reg.kinds.push_back(k);
    if (auto dir = builtin_definition_dir()) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::directory_iterator(*dir)) {
        if (entry.path().extension() == ".client") files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) reg.add(read_definition(f));
    }
    return reg;
  }();
  return r;
}

}  // namespace

const std::deque<ClientKindInfo>& client_kinds() { return registry().kinds; }

std::optional<std::filesystem::path> builtin_definition_dir() {
  return shipped_dir("H2RACE_CLIENT_DIR", "clients/external");
}

namespace {

// The line of file that gives its name (the definition keeps no line numbers), for FILE:LINE:.
int name_line(const std::filesystem::path& file) {
  std::ifstream in(file);
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    std::istringstream words(line);
    std::string first;
    if (words >> first && first == "name") return n;
  }
  return 1;
}

}  // namespace

const ClientKindInfo& add_client_definition(const std::filesystem::path& file) {
  ClientDefinition def = read_definition(file);
  if (find_client(def.name)) {
    throw DefinitionError(
        fmt::format("{}:{}: name {} is already a client; give the definition its own name",
                    file.string(), name_line(file), def.name));
  }
  return registry().add(std::move(def));
}

const ClientKindInfo* find_client(std::string_view name) {
  for (const ClientKindInfo& k : client_kinds()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string_view program_modeled_by(std::string_view model) {
  for (const ClientKindInfo& k : client_kinds()) {
    if (k.program && !model.empty() && k.program->modeled_by == model) return k.name;
  }
  return {};
}

std::string client_names(bool (*keep)(const ClientKindInfo&)) {
  std::string out;
  for (const ClientKindInfo& k : client_kinds()) {
    if (keep && !keep(k)) continue;
    out += (out.empty() ? "" : "|") + std::string(k.name);
  }
  return out;
}

std::string client_names(bool in_process_only) {
  return client_names(in_process_only ? +[](const ClientKindInfo& k) { return k.run != nullptr; }
                                      : nullptr);
}

namespace {

// --slow-request-us: the go models hold the request themselves; a program, if its definition
// says how to tell it to.
bool can_slow_request(const ClientKindInfo& k) {
  return k.go_timing || (k.program && !k.program->slow_request_argv.empty());
}

}  // namespace

std::optional<std::string> resolve_client(Scenario& s, bool client_given, bool proto_given) {
  const ClientKindInfo* kind = find_client(s.client);
  if (!kind) return fmt::format("--client {}: not one of {}", s.client, client_names());
  if (kind->speaks == Speaks::kH1) {
    if (proto_given && s.proto == Proto::kH2) {
      return fmt::format("--client {} speaks HTTP/1.1; it cannot be combined with --proto h2",
                         kind->name);
    }
    s.proto = Proto::kH1;
  } else if (kind->speaks == Speaks::kH2 && s.proto == Proto::kH1) {
    if (kind->program || client_given) {
      return fmt::format("--client {} speaks HTTP/2{}", kind->name,
                         kind->program ? " only; it cannot be combined with --proto h1"
                                       : "; --proto h1 uses the h1 client");
    }
    kind = find_client("h1");
    s.client = kind->name;
  }
  if (kind->go_timing) {
    Scenario::GoTiming t = s.go_timing.value_or(*kind->go_timing);
    for (const auto& f : kGoTimingFields) {
      if ((t.*f.member).count() < 0) t.*f.member = (*kind->go_timing).*f.member;
    }
    s.go_timing = t;
  } else {
    s.go_timing.reset();
  }
  if (kind->waits_for_alert) {
    if (!s.alert_grace) s.alert_grace = kDefaultAlertGrace;
  } else {
    s.alert_grace.reset();
  }
  if (s.slow_request.count() > 0 && !can_slow_request(*kind)) {
    return fmt::format(
        "--slow-request-us applies only to the go models and to programs whose definition has "
        "slow-request-argv ({}), not --client {}",
        client_names(&can_slow_request), kind->name);
  }
  return std::nullopt;
}

std::string go_model_jobs_caveat(const ClientKindInfo& kind, int jobs, bool scheduled) {
  if (!kind.go_timing || scheduled) return "";
  if (jobs >= kGoModelHoldsFromJobs && jobs <= kGoModelHoldsToJobs) return "";
  return fmt::format(
      "the {} model's timing was fitted to real Go at --jobs {} and holds at --jobs {}-{}; {} "
      "(docs/go-model.md, \"Connections in flight\")",
      kind.name, kGoModelFittedJobs, kGoModelHoldsFromJobs, kGoModelHoldsToJobs,
      jobs < kGoModelHoldsFromJobs
          ? fmt::format("at --jobs {} its class shares are far from real Go's", jobs)
          : fmt::format("at --jobs {} it was never checked against real Go", jobs));
}

std::string go_model_procs_caveat(const ClientKindInfo& kind, int procs, bool scheduled) {
  if (!kind.go_timing || scheduled || procs <= 2) return "";
  return fmt::format(
      "Go would run {} processors here (GOMAXPROCS); the {} model runs at most two, as Go on the "
      "2-CPU machines it was fitted and checked on, and was never checked against Go on more "
      "(docs/go-model.md, \"One core\")",
      procs, kind.name);
}

}  // namespace h2race
