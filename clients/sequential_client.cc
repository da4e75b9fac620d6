// The `sequential` profile: write preface + SETTINGS, then HEADERS, then read; the first call
// that fails decides the class. No read happens until both writes are done, which is what a
// naive blocking client does.
#include <vector>

#include "clients/client.h"
#include "clients/h2_client_session.h"
#include "core/inject.h"

namespace h2race {

ClientResult run_sequential_client(const ClientTarget& t) {
  TlsClientConn conn(t.ctx, t.deadline);
  if (auto failed = open_connection(conn, t)) return *failed;
  const auto key = conn.key();

  H2ClientSession h2(t.authority);
  at(Point::kClientBeforePreface);
  if (auto f = conn.write_all(h2.preface())) return {*f, key};
  at(Point::kClientAfterPreface);
  at(Point::kClientBeforeHeaders);
  if (auto f = conn.write_all(h2.request())) return {*f, key};
  at(Point::kClientBeforeRead);

  std::vector<uint8_t> in;
  for (;;) {
    auto r = conn.read_some(in, /*wait=*/true);
    if (!in.empty()) {
      if (auto done = h2.feed(in)) return {*done, key};
      in.clear();
      if (auto f = conn.write_all(h2.pending())) return {*f, key};
    }
    if (r.failure) return {*r.failure, key};
  }
}

}  // namespace h2race
