#include "run/probe.h"

#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstring>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "clients/client.h"
#include "core/interrupt.h"
#include "servers/mtls_server.h"

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

RunRecord run_probe(const Scenario& scenario, const ProbeTarget& target, SSL_CTX* ctx,
                    const std::string& expect, const DriverHooks& hooks) {
  const auto start = Clock::now();
  ignore_sigpipe();
  const ClientFn client = client_for(effective_client(scenario));
  if (!client) throw std::invalid_argument("probe runs the in-process clients only");
  std::atomic<uint64_t> next{0};
  std::mutex merge_mu;
  Histogram total;
  std::exception_ptr failure;

  auto worker = [&] {
    Histogram local;
    try {
      while (!interrupted()) {
        const uint64_t i = next.fetch_add(1);
        if (i >= scenario.iterations) break;
        ClientTarget t;
        t.ctx = ctx;
        t.addr = target.addr;
        t.addr_len = target.addr_len;
        t.authority = target.authority;
        t.deadline = Clock::now() + scenario.timeout;
        t.alert_grace = scenario.alert_grace;
        // Rotating the source over 127.0.0.0/8 needs a loopback IPv4 destination.
        if (target.loopback && target.addr.ss_family == AF_INET) {
          t.source_ipv4 = (127u << 24) | static_cast<uint32_t>(1 + i % 64);
        }
        const ClientResult r = client(t);
        local.add(r.outcome, expect);
        if (hooks.on_iteration) hooks.on_iteration(r.outcome, expect);
        if (hooks.done) hooks.done->fetch_add(1, std::memory_order_relaxed);
      }
    } catch (...) {
      std::lock_guard lock(merge_mu);
      if (!failure) failure = std::current_exception();
    }
    std::lock_guard lock(merge_mu);
    total.merge(local);
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, scenario.jobs); ++i) threads.emplace_back(worker);
  for (auto& th : threads) th.join();
  if (failure) std::rethrow_exception(failure);

  RunRecord run;
  run.scenario = scenario;
  run.histogram = std::move(total);
  run.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  run.partial = run.histogram.iterations() < scenario.iterations;
  run.env = environment_json();
  run.target = ProbeInfo{target.url, expect};
  return run;
}

}  // namespace h2race
