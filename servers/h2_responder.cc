#include <nghttp2/nghttp2.h>

#include <memory>
#include <vector>

#include "servers/responder.h"

namespace h2race {
namespace {

struct State {
  const std::function<void()>* on_response;
};

int on_frame_recv(nghttp2_session* session, const nghttp2_frame* frame, void* user_data) {
  auto* st = static_cast<State*>(user_data);
  const bool request_ended =
      (frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
      (frame->hd.flags & NGHTTP2_FLAG_END_STREAM);
  if (!request_ended) return 0;
  static const uint8_t kStatus[] = ":status";
  static const uint8_t k200[] = "200";
  const nghttp2_nv nva[] = {{const_cast<uint8_t*>(kStatus), const_cast<uint8_t*>(k200),
                             sizeof(kStatus) - 1, sizeof(k200) - 1, NGHTTP2_NV_FLAG_NONE}};
  (*st->on_response)();
  return nghttp2_submit_response(session, frame->hd.stream_id, nva, 1, nullptr);
}

struct SessionDeleter {
  void operator()(nghttp2_session* s) const { nghttp2_session_del(s); }
};
struct CallbacksDeleter {
  void operator()(nghttp2_session_callbacks* c) const { nghttp2_session_callbacks_del(c); }
};

// Writes everything nghttp2 has queued; false when the connection failed.
bool flush(nghttp2_session* session, SSL* ssl) {
  for (;;) {
    const uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session, &data);
    if (n < 0) return false;
    if (n == 0) return true;
    if (SSL_write(ssl, data, static_cast<int>(n)) <= 0) return false;
  }
}

}  // namespace

void serve_h2(SSL* ssl, const std::function<void()>& on_response) {
  State st{&on_response};
  nghttp2_session_callbacks* raw_cbs = nullptr;
  if (nghttp2_session_callbacks_new(&raw_cbs) != 0) return;
  std::unique_ptr<nghttp2_session_callbacks, CallbacksDeleter> cbs(raw_cbs);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs.get(), on_frame_recv);
  nghttp2_session* raw = nullptr;
  if (nghttp2_session_server_new(&raw, cbs.get(), &st) != 0) return;
  std::unique_ptr<nghttp2_session, SessionDeleter> session(raw);

  const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100}};
  nghttp2_submit_settings(session.get(), NGHTTP2_FLAG_NONE, settings, 1);
  if (!flush(session.get(), ssl)) return;

  std::vector<uint8_t> buf(16 * 1024);
  while (nghttp2_session_want_read(session.get()) || nghttp2_session_want_write(session.get())) {
    const int n = SSL_read(ssl, buf.data(), static_cast<int>(buf.size()));
    if (n <= 0) return;  // client closed, reset or went quiet past the socket timeout
    if (nghttp2_session_mem_recv(session.get(), buf.data(), static_cast<size_t>(n)) < 0) return;
    if (!flush(session.get(), ssl)) return;
  }
}

}  // namespace h2race
