#include <string_view>

#include "servers/responder.h"

namespace h2race {

void serve_h1(SSL* ssl, const std::function<void()>& on_response) {
  std::string request;
  char buf[4096];
  // One request, headers only; bounded so a client that never ends its headers cannot grow us.
  while (request.find("\r\n\r\n") == std::string::npos) {
    if (request.size() > 64 * 1024) return;
    const int n = SSL_read(ssl, buf, sizeof(buf));
    if (n <= 0) return;
    request.append(buf, static_cast<size_t>(n));
  }
  on_response();
  static constexpr std::string_view kResponse =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
      "Connection: close\r\n\r\nok\n";
  SSL_write(ssl, kResponse.data(), static_cast<int>(kResponse.size()));
}

}  // namespace h2race
