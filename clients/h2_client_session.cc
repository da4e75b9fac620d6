#include "clients/h2_client_session.h"

#include <fmt/format.h>

#include <stdexcept>

namespace h2race {
namespace {
nghttp2_nv make_nv(const std::string& name, const std::string& value) {
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
          NGHTTP2_NV_FLAG_NONE};
}
}  // namespace

H2ClientSession::H2ClientSession(std::string authority) : authority_(std::move(authority)) {
  nghttp2_session_callbacks* cbs = nullptr;
  if (nghttp2_session_callbacks_new(&cbs) != 0) throw std::runtime_error("nghttp2: callbacks");
  nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
  nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_stream_close);
  const int rv = nghttp2_session_client_new(&session_, cbs, this);
  nghttp2_session_callbacks_del(cbs);
  if (rv != 0) throw std::runtime_error("nghttp2: session");
}

H2ClientSession::~H2ClientSession() { nghttp2_session_del(session_); }

std::vector<uint8_t> H2ClientSession::pending() {
  std::vector<uint8_t> out;
  for (;;) {
    const uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n <= 0) break;
    out.insert(out.end(), data, data + n);
  }
  return out;
}

std::vector<uint8_t> H2ClientSession::preface() {
  // Go's transport: ENABLE_PUSH 0, INITIAL_WINDOW_SIZE 4 MiB, MAX_HEADER_LIST_SIZE 10 MiB,
  // then a connection WINDOW_UPDATE of 1 GiB; nghttp2 puts the client magic in front.
  const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
                                             {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 4 << 20},
                                             {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 10 << 20}};
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, 3);
  nghttp2_submit_window_update(session_, NGHTTP2_FLAG_NONE, 0, (1 << 30) - 65535);
  return pending();
}

std::vector<uint8_t> H2ClientSession::request() {
  static const std::string kMethod = ":method", kGet = "GET", kScheme = ":scheme", kHttps = "https",
                           kAuthority = ":authority", kPath = ":path", kSlash = "/",
                           kUa = "user-agent", kUaValue = "h2race/" H2RACE_VERSION;
  const nghttp2_nv nva[] = {make_nv(kMethod, kGet), make_nv(kScheme, kHttps),
                            make_nv(kAuthority, authority_), make_nv(kPath, kSlash),
                            make_nv(kUa, kUaValue)};
  stream_id_ = nghttp2_submit_request(session_, nullptr, nva, 5, nullptr, this);
  return pending();
}

std::optional<Outcome> H2ClientSession::feed(const std::vector<uint8_t>& data) {
  const ssize_t n = nghttp2_session_mem_recv(session_, data.data(), data.size());
  if (n < 0 && !result_) {
    result_ = other_outcome("h2", fmt::format("http2: {}", nghttp2_strerror(static_cast<int>(n))));
  }
  return result_;
}

int H2ClientSession::on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                               size_t namelen, const uint8_t* value, size_t valuelen, uint8_t,
                               void* user_data) {
  auto* self = static_cast<H2ClientSession*>(user_data);
  if (frame->hd.stream_id == self->stream_id_ &&
      std::string_view(reinterpret_cast<const char*>(name), namelen) == ":status") {
    self->status_.assign(reinterpret_cast<const char*>(value), valuelen);
  }
  return 0;
}

int H2ClientSession::on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
  auto* self = static_cast<H2ClientSession*>(user_data);
  if (self->result_) return 0;
  if (frame->hd.type == NGHTTP2_GOAWAY && frame->goaway.error_code != NGHTTP2_NO_ERROR) {
    self->result_ = h2_frame_outcome("goaway", frame->goaway.error_code);
  } else if (frame->hd.type == NGHTTP2_GOAWAY && frame->goaway.last_stream_id < self->stream_id_) {
    self->result_ = h2_frame_outcome("goaway", frame->goaway.error_code);
  } else if (frame->hd.type == NGHTTP2_RST_STREAM && frame->hd.stream_id == self->stream_id_) {
    self->result_ = h2_frame_outcome("rst_stream", frame->rst_stream.error_code);
  }
  return 0;
}

int H2ClientSession::on_stream_close(nghttp2_session*, int32_t stream_id, uint32_t error_code,
                                     void* user_data) {
  auto* self = static_cast<H2ClientSession*>(user_data);
  if (stream_id != self->stream_id_ || self->result_) return 0;
  if (error_code != NGHTTP2_NO_ERROR) {
    self->result_ = h2_frame_outcome("rst_stream", error_code);
  } else {
    self->result_ = http_status_outcome(self->status_, fmt::format("HTTP/2 {}", self->status_));
  }
  return 0;
}

}  // namespace h2race
