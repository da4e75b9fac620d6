#include "cli/replay_input.h"

#include <fmt/format.h>

#include <variant>

#include "cli/commands.h"
#include "clients/client_kinds.h"
#include "harness/driver.h"

namespace h2race::cli {

ReplayInput parse_replay(std::string_view text, const std::string& where) {
  auto parsed = parse_schedule(text, where);
  if (auto* err = std::get_if<ScheduleError>(&parsed)) throw UsageError(err->to_string());
  ReplayInput in{std::get<Schedule>(std::move(parsed)), {}};
  parse_scenario_text(in.schedule.scenario_flags, in.scenario, where);
  return in;
}

ReplayInput load_replay(const std::string& path) {
  auto loaded = load_schedule(path);
  if (auto* err = std::get_if<ScheduleError>(&loaded)) throw UsageError(err->to_string());
  ReplayInput in{std::get<Schedule>(std::move(loaded)), {}};
  parse_scenario_text(in.schedule.scenario_flags, in.scenario, path);
  in.scenario.schedule = path;
  return in;
}

RunRecord replay(const ReplayInput& input, const Pki& pki, uint64_t times,
                 const DriverHooks& hooks) {
  Scenario s = input.scenario;
  s.iterations = times;
  s.jobs = 1;  // one at a time: each replay is judged on its own
  return run_scenario(s, pki, hooks, &input.schedule);
}

std::string scenario_flags_text(const Scenario& s) {
  std::string out = fmt::format(
      "--proto {} --tls {} --client {} --client-cert {} --server-close {} --server-read {} "
      "--key {} --jobs 1 --timeout-ms {}",
      name(s.proto), name(s.tls), s.client, name(s.client_cert), name(s.server_close),
      name(s.server_read), name(s.key_type), s.timeout.count());
  if (s.server_close == ServerClose::kLinger)
    out += fmt::format(" --linger-ms {}", s.linger.count());
  if (s.fresh_server) out += " --fresh-server";
  if (s.alert_grace) out += fmt::format(" --alert-grace-ms {}", s.alert_grace->count());
  if (s.go_timing) {
    for (const auto& f : kGoTimingFields) {
      out += fmt::format(" --go-{}-us {}", f.name, ((*s.go_timing).*f.member).count());
    }
  }
  return out;
}

}  // namespace h2race::cli
