#include "core/outcome.h"

#include <fmt/format.h>
#include <nghttp2/nghttp2.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstring>

#include "core/alert_names.h"
#include "core/classes.h"

namespace h2race {

std::string errno_name(int err) {
  const char* n = strerrorname_np(err);
  return n ? std::string(n) : fmt::format("E{}", err);
}

bool is_class_spelling(std::string_view c) {
  for (std::string_view fixed : cls::kFixedClasses) {
    if (c == fixed) return true;
  }
  if (c.starts_with(cls::kHttpPrefix)) return is_http_status(c.substr(cls::kHttpPrefix.size()));
  if (c.starts_with(cls::kAlertPrefix)) {
    const std::string_view name = c.substr(cls::kAlertPrefix.size());
    for (int alert = 0; alert < 256; ++alert) {
      if (alert_name(alert) == name) return true;
    }
    return false;
  }
  for (std::string_view frame : {"goaway", "rst_stream"}) {
    // HTTP/2 error codes (RFC 9113 section 7): 0x0..0xd, each with nghttp2's name.
    for (uint32_t code = 0; code <= 0xd; ++code) {
      if (h2_frame_outcome(frame, code).cls == c) return true;
    }
  }
  for (std::string_view op : {"connect", "handshake", "write", "read"}) {
    if (!c.starts_with(op) || c.size() <= op.size() || c[op.size()] != ':') continue;
    const std::string_view err = c.substr(op.size() + 1);
    if (err == "EOF") return true;
    for (int e = 1; e < 4096; ++e) {
      if (errno_name(e) == err) return true;
    }
  }
  return false;
}

Outcome ok_outcome(std::string_view raw) {
  return {std::string(cls::kOk), std::string(raw), "", 0, -1};
}

Outcome errno_outcome(std::string_view op, int err, std::string_view raw) {
  if (err == 0) return eof_outcome(op, raw);
  std::string text = raw.empty() ? fmt::format("{}: {}", op, std::strerror(err)) : std::string(raw);
  return {fmt::format("{}:{}", op, errno_name(err)), std::move(text), std::string(op), err, -1};
}

Outcome alert_outcome(int alert, std::string_view raw) {
  std::string text = raw.empty()
                         ? fmt::format("remote error: tls: {}", SSL_alert_desc_string_long(alert))
                         : std::string(raw);
  return {std::string(cls::kAlertPrefix) + alert_name(alert), std::move(text), "read", 0, alert};
}

Outcome eof_outcome(std::string_view op, std::string_view raw) {
  std::string text = raw.empty() ? fmt::format("{}: unexpected EOF", op) : std::string(raw);
  return {fmt::format("{}:EOF", op), std::move(text), std::string(op), 0, -1};
}

Outcome timeout_outcome(std::string_view stage) {
  return {std::string(cls::kTimeout), fmt::format("timed out during {}", stage), std::string(stage),
          0, -1};
}

Outcome other_outcome(std::string_view op, std::string_view raw) {
  return {std::string(cls::kOther), std::string(raw), std::string(op), 0, -1};
}

bool is_http_status(std::string_view s) {
  return s.size() == 3 && s[0] >= '1' && s[0] <= '5' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' &&
         s[2] <= '9';
}

Outcome http_status_outcome(std::string_view status, std::string_view raw) {
  if (status == "200") return ok_outcome(raw);
  if (!is_http_status(status)) return other_outcome("h2", raw);
  return {fmt::format("{}{}", cls::kHttpPrefix, status), std::string(raw), "", 0, -1};
}

Outcome h2_frame_outcome(std::string_view frame, uint32_t error_code) {
  const char* code = nghttp2_http2_strerror(error_code);
  return {fmt::format("h2:{}:{}", frame, code),
          fmt::format("http2: server sent {} with error code {}", frame, code), "h2", 0, -1};
}

Outcome no_connection_outcome(const Outcome& cause) {
  return {std::string(cls::kNoConnection),
          fmt::format("http2: client conn could not be established ({})", cause.raw), "h2",
          cause.err, cause.alert};
}

Outcome classify_ssl_failure(std::string_view op, int ssl_error, int saved_errno,
                             uint32_t packed_error) {
  switch (ssl_error) {
    case SSL_ERROR_ZERO_RETURN:
      return eof_outcome(op, fmt::format("{}: peer sent close_notify", op));
    case SSL_ERROR_SYSCALL:
      // BoringSSL reports a socket-level failure here; errno 0 means a plain TCP EOF.
      return errno_outcome(op, saved_errno);
    case SSL_ERROR_SSL: {
      if (ERR_GET_LIB(packed_error) == ERR_LIB_SSL &&
          ERR_GET_REASON(packed_error) >= SSL_AD_REASON_OFFSET) {
        return alert_outcome(ERR_GET_REASON(packed_error) - SSL_AD_REASON_OFFSET);
      }
      char buf[256];
      ERR_error_string_n(packed_error, buf, sizeof(buf));
      return other_outcome(op, fmt::format("{}: {}", op, buf));
    }
    default:
      return other_outcome(op, fmt::format("{}: SSL_get_error {}", op, ssl_error));
  }
}

}  // namespace h2race
