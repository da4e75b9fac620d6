// The HTTP/2 side of the h2 clients: an nghttp2 client session that produces the bytes a Go-like
// client writes (preface + SETTINGS + WINDOW_UPDATE, then the GET's HEADERS) and interprets what
// the server sends back. It does no I/O itself; the client profiles decide when bytes move.
#pragma once

#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/outcome.h"

namespace h2race {

class H2ClientSession {
 public:
  explicit H2ClientSession(std::string authority);
  ~H2ClientSession();
  H2ClientSession(const H2ClientSession&) = delete;
  H2ClientSession& operator=(const H2ClientSession&) = delete;

  // Connection preface, SETTINGS and the connection WINDOW_UPDATE, as Go's transport sends them.
  std::vector<uint8_t> preface();
  // HEADERS of "GET /" on stream 1 (END_STREAM set).
  std::vector<uint8_t> request();
  // Feeds bytes read from the server. Returns the iteration's Outcome once the response is
  // complete or the server ended the stream or connection.
  std::optional<Outcome> feed(const std::vector<uint8_t>& data);
  // Frames nghttp2 wants to send in answer (SETTINGS ACK, ...).
  std::vector<uint8_t> pending();

 private:
  static int on_header(nghttp2_session*, const nghttp2_frame*, const uint8_t*, size_t,
                       const uint8_t*, size_t, uint8_t, void*);
  static int on_frame_recv(nghttp2_session*, const nghttp2_frame*, void*);
  static int on_stream_close(nghttp2_session*, int32_t, uint32_t, void*);

  std::string authority_;
  nghttp2_session* session_ = nullptr;
  int32_t stream_id_ = -1;
  std::string status_;
  std::optional<Outcome> result_;
};

}  // namespace h2race
