// `h2race probe URL`: the in-process clients against an external server (nghttpd, a Go server,
// anything). Loopback only unless --allow-remote: h2race is a test tool, not a scanner.
#include <fmt/format.h>

#include <filesystem>

#include "analysis/report.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/user_files.h"
#include "clients/client.h"
#include "clients/client_kinds.h"
#include "core/alert_names.h"
#include "core/classes.h"
#include "core/input_file.h"
#include "core/interrupt.h"
#include "harness/probe.h"

namespace h2race::cli {
namespace {

// BoringSSL reads these files itself; reading them once here first makes a directory, a FIFO,
// a device or a huge file a UsageError naming the flag instead of a hang or a vague TLS error.
void check_readable(const std::string& flag, const std::string& path) {
  if (!path.empty()) read_input(flag, path, kMaxPemBytes);
}

}  // namespace

int probe_command(ProbeFlags& f) {
  check_output_flags(f.out);
  check_json_stdout(f.out, "the table", /*quiet_frees_it=*/true);
  // --explain's refusal of a program comes first, as run's does.
  const RunPlan plan = plan_run(f.scenario, {.explain = f.out.explain});
  if (plan.kind->program) {
    throw UsageError(fmt::format(
        "--client {}: probe runs the in-process clients ({}); run external programs against "
        "`h2race serve` instead",
        f.scenario.client, client_names(/*in_process_only=*/true)));
  }
  print_plan_caveat("probe", plan);
  ProbeTarget target;
  try {
    target = parse_probe_url(f.url);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (!target.loopback && !f.allow_remote) {
    throw UsageError(fmt::format(
        "{} is not a loopback address; probing other hosts needs --allow-remote", f.url));
  }
  const bool ca_given = !f.ca.empty();
  if (!ca_given) f.ca = "/etc/ssl/certs/ca-certificates.crt";
  check_readable("--ca", f.ca);
  check_readable("--cert", f.cert);
  check_readable("--key", f.key);
  if (f.cert.empty() != f.key.empty()) throw UsageError("--cert and --key go together");
  if (!f.out.json_path.empty()) check_output_path("--json", f.out.json_path);

  bssl::UniquePtr<SSL_CTX> ctx;
  try {
    ctx = make_probe_ctx(f.scenario, f.ca, f.cert, f.key);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }

  install_interrupt_handlers();
  std::atomic<uint64_t> done{0};
  RunRecord run;
  {
    Progress progress(done, f.scenario.iterations);
    DriverHooks hooks;
    hooks.done = &done;
    hooks.explain = f.out.explain;
    run = run_probe(plan, target, ctx.get(),
                    f.expect.empty() ? std::string(cls::kUnknownTruth) : f.expect, hooks);
  }
  const int code = finish_run("probe", "connections", run, f.out,
                              "examples: the client's side only (the server is not h2race's)");
  // The most common first mistake: a test server's own CA is not in the system bundle.
  for (const auto& c : run.histogram.classes()) {
    if (c.example.find("CERTIFICATE_VERIFY_FAILED") != std::string::npos) {
      fmt::print(stderr,
                 "h2race probe: hint: {} of {} connections could not verify the server's "
                 "certificate against {}; give --ca FILE, the CA that signed it (`h2race serve` "
                 "prints its CA path)\n",
                 c.count, run.histogram.iterations(),
                 ca_given ? f.ca : "the system CAs (" + f.ca + ")");
      break;
    }
  }
  return code;
}

}  // namespace h2race::cli
