// The built-in scenario matrix and the client zoo, as lists of resolved scenarios.
#include "harness/matrix.h"

#include <algorithm>
#include <string_view>

#include "clients/client_kinds.h"
#include "harness/run_plan.h"
#include "servers/server_kinds.h"

namespace h2race {

namespace {

// Appends one scenario, its client and protocol reconciled.
struct ScenarioList {
  std::vector<Scenario> out;
  void add(Proto proto, std::string_view client, ClientCert cert, ServerClose close,
           TlsVersion tls = TlsVersion::k13, ServerRead read = ServerRead::kAhead,
           const ServerDefinition* server = nullptr, std::string_view knob = {}) {
    Scenario s;
    if (server) {
      s.server = server->name;
      s.server_knob = knob;
      if (!server->keys.empty() && !parse<KeyType>(server->keys.front())) {
        throw PlanError("built-in matrix: server " + server->name + ": bad keys");
      }
      if (!server->keys.empty() && std::find(server->keys.begin(), server->keys.end(),
                                             name(s.key_type)) == server->keys.end()) {
        s.key_type = *parse<KeyType>(server->keys.front());
      }
    }
    s.server_read = read;
    s.proto = proto;
    s.client = client;
    s.client_cert = cert;
    s.server_close = close;
    s.tls = tls;
    // A built-in row that does not resolve is a defect of this table, not something to skip.
    if (auto error = resolve_client(s, /*client_given=*/true, /*proto_given=*/true)) {
      throw PlanError("built-in matrix: " + *error);
    }
    out.push_back(s);
  }
};

}  // namespace

std::vector<Scenario> builtin_matrix() {
  ScenarioList list;
  auto add = [&list](auto... args) { list.add(args...); };
  // Every certificate case through every client; h1 only with the h1 client (the others speak h2).
  for (ClientCert cert : {ClientCert::kNone, ClientCert::kUntrusted, ClientCert::kExpired}) {
    for (std::string_view c : {"go", "sequential", "prefer-alert"}) {
      add(Proto::kH2, c, cert, ServerClose::kImmediate);
    }
    add(Proto::kH1, "h1", cert, ServerClose::kImmediate);
  }
  // The server-side fixes and the worst case, for each h2 client.
  for (ServerClose close : {ServerClose::kLinger, ServerClose::kReset}) {
    for (std::string_view c : {"go", "sequential", "prefer-alert"}) {
      add(Proto::kH2, c, ClientCert::kNone, close);
    }
  }
  // Controls: a valid certificate succeeds; TLS 1.2 delivers the alert inside the handshake.
  add(Proto::kH2, "go", ClientCert::kValid, ServerClose::kImmediate);
  add(Proto::kH1, "h1", ClientCert::kValid, ServerClose::kImmediate);
  add(Proto::kH2, "go", ClientCert::kNone, ServerClose::kImmediate, TlsVersion::k12);
  // Real programs (the built-in definitions marked in-matrix) against the same server, with the
  // same fixes; a profile that models a program (go1.19 models go1.19-net-http) in the row above
  // it, so the two compare at a glance (`h2race calibrate` measures their distance).
  std::vector<const ClientKindInfo*> programs;
  for (const ClientKindInfo& k : client_kinds()) {
    if (k.program && k.program->in_matrix) programs.push_back(&k);
  }
  auto with_model = [](const ClientKindInfo& program) {
    std::vector<std::string_view> names;
    if (!program.program->modeled_by.empty()) names.push_back(program.program->modeled_by);
    names.push_back(program.name);
    return names;
  };
  for (ServerClose close : {ServerClose::kImmediate, ServerClose::kLinger, ServerClose::kReset}) {
    for (const ClientKindInfo* k : programs) {
      for (std::string_view c : with_model(*k)) add(Proto::kH2, c, ClientCert::kNone, close);
    }
  }
  for (const ClientKindInfo* k : programs) {
    if (speaks(*k, Proto::kH1))
      add(Proto::kH1, k->name, ClientCert::kNone, ServerClose::kImmediate);
  }
  // A server that reads one TLS record at a time (BoringSSL's own socket BIO) leaves the
  // client's bytes behind its Finished unread: its immediate close sends RST.
  for (std::string_view c : {"go", "sequential"}) {
    add(Proto::kH2, c, ClientCert::kNone, ServerClose::kImmediate, TlsVersion::k13,
        ServerRead::kRecord);
  }
  for (Proto proto : {Proto::kH2, Proto::kH1}) {
    for (const ClientKindInfo* k : programs) {
      // A program that cannot tell its connection adds nothing here: it sees no cause at all.
      if (!speaks(*k, proto) || !k->program->reports_local_address()) continue;
      // The models speak h2 only.
      for (std::string_view c : proto == Proto::kH2 ? with_model(*k) : std::vector{k->name}) {
        add(proto, c, ClientCert::kNone, ServerClose::kImmediate, TlsVersion::k13,
            ServerRead::kRecord);
      }
    }
  }
  return list.out;
}

std::vector<Scenario> zoo_matrix() {
  ScenarioList list;
  for (const ClientKindInfo& k : client_kinds()) {
    if (!k.program) continue;
    for (Proto proto : {Proto::kH2, Proto::kH1}) {
      if (!speaks(k, proto)) continue;
      for (ServerClose close : {ServerClose::kImmediate, ServerClose::kLinger}) {
        list.add(proto, k.name, ClientCert::kNone, close);
      }
    }
  }
  return list.out;
}

std::vector<Scenario> servers_matrix() {
  // The real clients among them write a TLS key log where SSLKEYLOGFILE (or Node's --tls-keylog)
  // says, so their connections' truth can be read from the capture; the others' could not be.
  static constexpr std::string_view kClients[] = {
      "go",   "go1.19", "sequential",  "prefer-alert", "h1", "go1.19-net-http", "go1.26-net-http",
      "curl", "node",   "python-httpx"};
  std::vector<const ServerDefinition*> servers{nullptr};  // h2race's own first
  for (const ServerDefinition& d : server_definitions()) {
    if (is_builtin_server(d)) servers.push_back(&d);
  }
  ScenarioList list;
  for (const ServerDefinition* server : servers) {
    for (Proto proto : {Proto::kH2, Proto::kH1}) {
      if (server && !(proto == Proto::kH2 ? server->speaks_h2 : server->speaks_h1)) continue;
      for (std::string_view c : kClients) {
        const ClientKindInfo* k = find_client(c);
        if (!k || !speaks(*k, proto)) continue;
        list.add(proto, c, ClientCert::kNone, ServerClose::kImmediate, TlsVersion::k13,
                 ServerRead::kAhead, server);
      }
    }
  }
  // Each knob (the servers' own mitigations) with the clients that lose the alert most, over h2.
  for (const ServerDefinition* server : servers) {
    if (!server) continue;
    for (const auto& [knob, setting] : server->knobs) {
      for (std::string_view c : {"go", "go1.26-net-http", "curl", "python-httpx"}) {
        if (!find_client(c)) continue;
        list.add(Proto::kH2, c, ClientCert::kNone, ServerClose::kImmediate, TlsVersion::k13,
                 ServerRead::kAhead, server, knob);
      }
    }
  }
  return list.out;
}

}  // namespace h2race
