#include "cli/replay_input.h"

#include <fmt/format.h>

#include <variant>

#include "cli/commands.h"
#include "clients/client_kinds.h"
#include "harness/driver.h"

namespace h2race::cli {

namespace {

ReplayInput resolve(Schedule schedule, const std::string& where,
                    std::optional<std::string> path = std::nullopt) {
  Scenario s;
  parse_scenario_text(schedule.scenario_flags, s, where);
  s.jobs = 1;
  s.schedule = std::move(path);
  try {
    return {plan_run(s, {.schedule = std::move(schedule)})};
  } catch (const PlanError& e) {
    throw UsageError(fmt::format("{}: scenario header: {}", where, e.what()));
  }
}

}  // namespace

ReplayInput parse_replay(std::string_view text, const std::string& where) {
  auto parsed = parse_schedule(text, where);
  if (auto* err = std::get_if<ScheduleError>(&parsed)) throw UsageError(err->to_string());
  return resolve(std::get<Schedule>(std::move(parsed)), where);
}

ReplayInput load_replay(const std::string& path) {
  auto loaded = load_schedule(path);
  if (auto* err = std::get_if<ScheduleError>(&loaded)) throw UsageError(err->to_string());
  return resolve(std::get<Schedule>(std::move(loaded)), path, path);
}

RunRecord replay(const ReplayInput& input, const Pki& pki, uint64_t times,
                 const DriverHooks& hooks) {
  RunPlan plan = input.plan;
  plan.scenario.iterations = times;
  return run_scenario(plan, pki, hooks);
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
  if (s.slow_request.count() > 0) {
    out += fmt::format(" --slow-request-us {}", s.slow_request.count());
  }
  return out;
}

}  // namespace h2race::cli
