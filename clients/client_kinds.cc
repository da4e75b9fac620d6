#include "clients/client_kinds.h"

#include <fmt/format.h>

#include <array>

namespace h2race {
namespace {

const std::array<ClientKindInfo, 8> kClientKinds = {{
    {"go", run_go_client, nullptr, Speaks::kH2, false, true,
     "model of current Go's http2 Transport (the seed's Go 1.25; the default)"},
    {"go1.19", run_go119_client, nullptr, Speaks::kH2, false, true,
     "model of Go 1.19's (Debian's): redials where current Go gives h2:no_connection",
     "go-net-http"},
    {"sequential", run_sequential_client, nullptr, Speaks::kH2, false, false,
     "writes preface and request, then reads: the first failing call's error"},
    {"h1", run_h1_client, nullptr, Speaks::kH1, false, false,
     "HTTP/1.1: request, then read the answer"},
    {"prefer-alert", run_prefer_alert_client, nullptr, Speaks::kH2, true, true,
     "go, but after a transport error it waits --alert-grace-ms for the alert"},
    {"curl", nullptr, &kCurlProgram, Speaks::kBoth, false, false,
     "curl (OpenSSL + nghttp2), a process"},
    {"nghttp", nullptr, &kNghttpProgram, Speaks::kH2, false, false,
     "nghttp (nghttp2-client), a process"},
    {"go-net-http", nullptr, &kGoNetHttpProgram, Speaks::kBoth, false, false,
     "Go's net/http (clients/go, built with Debian's Go 1.19), a process"},
}};

}  // namespace

std::span<const ClientKindInfo> client_kinds() { return kClientKinds; }

const ClientKindInfo* find_client(std::string_view name) {
  for (const ClientKindInfo& k : kClientKinds) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string client_names(bool in_process_only) {
  std::string out;
  for (const ClientKindInfo& k : kClientKinds) {
    if (in_process_only && !k.run) continue;
    out += (out.empty() ? "" : "|") + std::string(k.name);
  }
  return out;
}

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
  if (kind->go_model) {
    if (!s.go_timing) s.go_timing = kDefaultGoTiming;
  } else {
    s.go_timing.reset();
  }
  if (kind->waits_for_alert) {
    if (!s.alert_grace) s.alert_grace = kDefaultAlertGrace;
  } else {
    s.alert_grace.reset();
  }
  return std::nullopt;
}

}  // namespace h2race
