// Every client kind h2race can run, declared once: its name (the --client spelling and the
// scenario's `client`), how it runs (an in-process profile, or an external program), the
// protocols it speaks and its help line. Help texts, validation, the h1 resolution and the driver
// all read this table. In-process profiles are rows in client_kinds.cc; external programs are
// rows made from client definitions (clients/external/*.client, found at run time, and any
// --client-def file), so adding a program touches no C++.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "clients/client.h"
#include "clients/external_client.h"
#include "core/scenario.h"

namespace h2race {

enum class Speaks : uint8_t { kH2, kH1, kBoth };

struct ClientKindInfo {
  std::string_view name;
  ClientFn run = nullptr;                     // in-process profile; nullptr for a program
  const ClientDefinition* program = nullptr;  // external program; nullptr for a profile
  Speaks speaks = Speaks::kH2;
  bool waits_for_alert = false;  // uses the scenario's alert_grace
  // A go model (clients/go_model.h), with the timing it runs by default; nullptr for any other.
  const Scenario::GoTiming* go_timing = nullptr;
  std::string_view help;
};

// Whether a client kind is an external program that answers in lines (what `classify` reads).
inline bool answers_in_lines(const ClientKindInfo& kind) {
  return kind.program && kind.program->answers == ClientDefinition::Answers::kLines;
}

// Whether a client kind speaks a protocol.
inline bool speaks(const ClientKindInfo& kind, Proto proto) {
  return kind.speaks == Speaks::kBoth || (kind.speaks == Speaks::kH1) == (proto == Proto::kH1);
}

// The in-process rows, then one per built-in definition (in file name order), then the --client-def
// ones. Loading a malformed built-in definition throws DefinitionError.
const std::deque<ClientKindInfo>& client_kinds();
// nullptr for a name no row has.
const ClientKindInfo* find_client(std::string_view name);
// The program whose definition says `modeled-by <model>` (go1.19-net-http for go1.19), "" if none:
// `report` and `matrix` show the two side by side, `calibrate` measures their distance.
std::string_view program_modeled_by(std::string_view model);
// "go|go1.19|...": the names, in table order, for help texts and error messages.
std::string client_names(bool in_process_only = false);
// The same for the kinds keep() accepts (e.g. answers_in_lines).
std::string client_names(bool (*keep)(const ClientKindInfo&));

// Where the built-in definitions are: $H2RACE_CLIENT_DIR, else the first that exists of
// clients/external next to the h2race binary (the build dir, where the build copies them), one
// dir up (a build dir's tests), and ../share/h2race/clients/external (an installed tree).
std::optional<std::filesystem::path> builtin_definition_dir();

// Reads, parses and adds a user's definition (--client-def); returns its row. Throws
// DefinitionError ("FILE:LINE: ...", or "FILE: ..." when it cannot be read or its name is taken).
const ClientKindInfo& add_client_definition(const std::filesystem::path& file);

// The go models' timing defaults, in microseconds of the yardstick's work (spin_for,
// clients/go_runtime.h: the chain's steps that took that long on the VM of kReferenceAtFit);
// off_cpu is a sleep, not work. Each model has its own, fitted against the real program it claims,
// to its outcome shares on both server reads, idle and under the standard load, and to the gaps it
// puts on the wire (scripts/wire-gaps). The sums were fitted on the VM host of 2026-12-06 (kernel
// 6.18.44-fc-v1294): preface, then hand-off + headers (20 for go, 24 for go1.19), so that the
// model's HEADERS meets the server's RST as late as Go's does (docs/go-model.md, "Refitted on the
// fc-v1294 host"). Since 2026-12-07 the hand-off's share of that sum is Go's own: in both Gos'
// execution traces the read loop's window up to the stream's ID (read_loop_to_request) is 35-39 %
// of the time from the preface's write to HEADERS', where hand-off 4 gave the model 18 %; the
// model's h2:no_connection grows with that window (its thief's back-off ends in it), and with
// half of Go's window on a core it had a quarter of Go's early closes (docs/go-model.md, "Go's
// split around the stream's ID").
inline constexpr Scenario::GoTiming kGoTimingGo{.handoff = std::chrono::microseconds(9),
                                                .headers = std::chrono::microseconds(11),
                                                .preface = std::chrono::microseconds(16),
                                                .read_loop = std::chrono::microseconds(0),
                                                .spin = std::chrono::microseconds(1),
                                                .off_cpu = std::chrono::microseconds(0)};
inline constexpr Scenario::GoTiming kGoTimingGo119 = [] {
  Scenario::GoTiming t = kGoTimingGo;
  t.headers = std::chrono::microseconds(15);
  return t;
}();
// Where the --go-NAME-us flags start: a field still negative when resolve_client runs was not
// given, and takes the client's default (the flags may come before --client).
inline constexpr Scenario::GoTiming kGoTimingNotGiven{.handoff = std::chrono::microseconds(-1),
                                                      .headers = std::chrono::microseconds(-1),
                                                      .preface = std::chrono::microseconds(-1),
                                                      .read_loop = std::chrono::microseconds(-1),
                                                      .spin = std::chrono::microseconds(-1),
                                                      .off_cpu = std::chrono::microseconds(-1)};

// The client workers in flight (--jobs) the go models' timing was fitted and judged at, and the
// counts it was checked at against real Go and holds for: on 2026-12-05 (calibrate -n 5000, two
// sittings) TVD 0.000-0.098 at 2, 3 and 4; at 1 up to 0.58, where `go` gave h2:no_connection
// 56-65 % and Go 1.26.8 6-7 %, and `go1.19` redialled 42-55 % of its requests and Go 1.19.8 5-8 %
// (docs/go-model.md, "Connections in flight").
inline constexpr int kGoModelFittedJobs = 2;
inline constexpr int kGoModelHoldsFromJobs = 2;
inline constexpr int kGoModelHoldsToJobs = 4;
// What a run of `kind` with `jobs` workers does not stand for, for the user: a go model without a
// schedule (a schedule's waits decide the order, not the timing) at a --jobs it does not hold at
// (1) or was never checked at (above 4). "" when there is nothing to say.
std::string go_model_jobs_caveat(const ClientKindInfo& kind, int jobs, bool scheduled);
// The same for the processors Go would run here (go_maxprocs()): the model runs one or two, as Go
// on one or two CPUs; Go on more runs more, which the model does not. "" at one or two.
std::string go_model_procs_caveat(const ClientKindInfo& kind, int procs, bool scheduled);

// The one place where protocol and client are reconciled: an in-process h2 profile under
// --proto h1 becomes the h1 client (unless the client was named explicitly: an error), `h1`
// implies --proto h1, a program that speaks one protocol refuses the other; alert_grace is set
// for clients that use it and cleared for the others; go_timing likewise, each field not given
// (kGoTimingNotGiven) from the model's defaults. Returns the error text for the user.

std::optional<std::string> resolve_client(Scenario& s, bool client_given, bool proto_given);

}  // namespace h2race
