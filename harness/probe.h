// `h2race probe`: the in-process clients against a server h2race did not start. There is no
// truth from the server, so the user's --expect stands in for it.
#pragma once

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <string>

#include "core/run_record.h"
#include "core/scenario.h"
#include "harness/iterations.h"
#include "harness/run_plan.h"

namespace h2race {

struct ProbeTarget {
  std::string url;  // as the user gave it
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  std::string authority;  // host:port, for :authority / Host
  bool loopback = false;
};

// Accepts https://HOST[:PORT][/...] with HOST an IP literal ([v6] too) or a name to resolve; the
// request always asks for "/". Throws std::invalid_argument saying what is wrong.
ProbeTarget parse_probe_url(const std::string& url);

// Runs scenario.iterations connections of scenario.client against the target; expect (a class,
// or "unknown") is every iteration's truth. Stops early (partial) when interrupted.
RunRecord run_probe(const RunPlan& plan, const ProbeTarget& target, SSL_CTX* ctx,
                    const std::string& expect, const DriverHooks& hooks = {});

}  // namespace h2race
