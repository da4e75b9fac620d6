#include "harness/probe.h"

#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstring>
#include <optional>
#include <stdexcept>

#include "core/inject.h"
#include "core/interrupt.h"
#include "core/loopback.h"

namespace h2race {

ProbeTarget parse_probe_url(const std::string& url) {
  constexpr std::string_view kScheme = "https://";
  if (url.rfind(kScheme, 0) != 0) {
    throw std::invalid_argument(fmt::format("{}: only https:// URLs can be probed", url));
  }
  std::string rest = url.substr(kScheme.size());
  rest = rest.substr(0, rest.find('/'));
  std::string host, port = "443";
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string::npos) throw std::invalid_argument(url + ": unclosed [ in the host");
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') throw std::invalid_argument(url + ": junk after ]");
      port = rest.substr(close + 2);
    }
  } else if (const size_t colon = rest.find(':'); colon != std::string::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  } else {
    host = rest;
  }
  if (host.empty()) throw std::invalid_argument(url + ": no host");
  char* end = nullptr;
  const unsigned long p = std::strtoul(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || p == 0 || p > 65535) {
    throw std::invalid_argument(fmt::format("{}: bad port '{}'", url, port));
  }

  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    throw std::invalid_argument(
        fmt::format("{}: cannot resolve {}: {}", url, host, gai_strerror(rc)));
  }
  ProbeTarget t;
  t.url = url;
  std::memcpy(&t.addr, found->ai_addr, found->ai_addrlen);
  t.addr_len = found->ai_addrlen;
  freeaddrinfo(found);
  char text[NI_MAXHOST];
  getnameinfo(reinterpret_cast<sockaddr*>(&t.addr), t.addr_len, text, sizeof(text), nullptr, 0,
              NI_NUMERICHOST);
  t.loopback = is_loopback(text);
  t.authority = rest;
  return t;
}

RunRecord run_probe(const RunPlan& plan, const ProbeTarget& target, SSL_CTX* ctx,
                    const std::string& expect, const DriverHooks& hooks) {
  ignore_sigpipe();
  const Scenario& scenario = plan.scenario;
  const ClientKindInfo* kind = plan.kind;
  if (!kind->run) throw std::invalid_argument("probe runs the in-process clients only");
  // --explain records through an empty schedule (every point passes at once), the client's side
  // only: the server is not in this process, so the client's end finishes a timeline.
  const RecordingScope recording(nullptr, hooks.explain, scenario.timeout,
                                 TimelineSides::kClientOnly);
  ExampleKeeper examples;
  auto make_worker = [&](const Record& record) -> BatchFn {
    return [&](uint64_t first, uint64_t) {
      // Rotating the source over 127.0.0.0/8 needs a loopback destination.
      const ClientResult r = kind->run(client_target(scenario, ctx, target.addr, target.addr_len,
                                                     target.authority, first, target.loopback));
      // The client ended its connection before it returned, so the wait is only a bound.
      if (hooks.explain && r.key) {
        examples.offer(r.outcome.cls, *r.key, first, std::chrono::milliseconds(1000));
      }
      record(r.outcome, expect);
    };
  };
  RunRecord run = run_iterations(scenario, plan.jobs, 1, hooks, make_worker);
  run.target = ProbeInfo{target.url, expect};
  run.examples = examples.take();
  return run;
}

}  // namespace h2race
