// The `h1` profile: write one HTTP/1.1 GET, then read the response. Like Go's HTTP/1 transport,
// a failed write does not decide the error by itself: the read side is consulted and a TLS alert
// found there wins, because that is the cause; the write error is reported only otherwise.
#include <string>
#include <string_view>
#include <vector>

#include "clients/client.h"
#include "core/inject.h"

namespace h2race {

ClientResult run_h1_client(const ClientTarget& t) {
  TlsClientConn conn(t.ctx, t.deadline);
  if (auto failed = open_connection(conn, t)) return *failed;
  const auto key = conn.key();

  const std::string request = "GET / HTTP/1.1\r\nHost: " + t.authority +
                              "\r\nUser-Agent: h2race/" H2RACE_VERSION "\r\n\r\n";
  at(Point::kClientBeforeHeaders);
  auto write_failure =
      conn.write_all({reinterpret_cast<const uint8_t*>(request.data()), request.size()});
  at(Point::kClientBeforeRead);

  std::vector<uint8_t> in;
  for (;;) {
    auto r = conn.read_some(in, /*wait=*/true);
    const std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
    if (const auto eol = text.find("\r\n"); eol != std::string_view::npos) {
      const auto status = text.substr(0, eol);
      // "HTTP/1.1 400 Bad Request": the status is the second word.
      const std::string_view code =
          status.size() >= 12 && status.starts_with("HTTP/1.") ? status.substr(9, 3) : "";
      return {http_status_outcome(code, status), key};
    }
    if (r.failure) {
      if (r.failure->alert >= 0 || !write_failure) return {*r.failure, key};
      return {*write_failure, key};
    }
  }
}

}  // namespace h2race
