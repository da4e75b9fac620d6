// Outcome: what one iteration ended with, as the user of a client would see it, plus the
// canonical class (README "What the output means") that histograms count.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace h2race {

// The span in which a model's race is decided, in ns on the run's clock (Linux's
// CLOCK_MONOTONIC, the clock `perf record -k mono` stamps the kernel's events with), and the
// thread that ran the request then: the go models' read_loop_to_request, so that the kernel's
// switches can be laid over it as over real Go's (scripts/go-window-cores).
struct RaceWindow {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  pid_t tid = 0;
};

struct Outcome {
  std::string cls;  // canonical class, e.g. "write:EPIPE"
  std::string raw;  // the error text a user would read; the histogram keeps one per class
  std::string op;   // connect | handshake | write | read | h2 | ""
  int err = 0;      // errno, when the failure came from the kernel
  int alert = -1;   // TLS alert number, when one was received
  // Time a client spent after the first transport error waiting for an alert (prefer-alert).
  std::chrono::microseconds grace{0};
  // Connections a Go-like client dialled and dropped before this outcome (its Transport
  // retries a request whose new connection died before the request was handed to it).
  uint32_t redials = 0;
  // When the client is a model of a program whose own trace gives the same spans: how long its
  // steps took, in us, by name (the go models: flight_to_preface, preface_write,
  // preface_to_headers; docs/go-model.md, "Where the time goes"). The iteration log writes them.
  std::vector<std::pair<std::string_view, double>> steps_us{};
  std::optional<RaceWindow> window{};  // written by the iteration log too
};

Outcome ok_outcome(std::string_view raw = "200 OK");
// op:ERRNO, e.g. write:EPIPE; errno 0 after a syscall-level failure means the peer closed: op:EOF.
Outcome errno_outcome(std::string_view op, int err, std::string_view raw = {});
Outcome alert_outcome(int alert, std::string_view raw = {});
Outcome eof_outcome(std::string_view op, std::string_view raw = {});
Outcome timeout_outcome(std::string_view stage);
Outcome other_outcome(std::string_view op, std::string_view raw);
// The response's status: ok for 200, else http:<status> (a status that is not three digits is
// other).
Outcome http_status_outcome(std::string_view status, std::string_view raw);
// Whether s is an HTTP status as http:<status> spells it: three digits, 100 to 599.
bool is_http_status(std::string_view s);
// h2:goaway:<code>, h2:rst_stream:<code> with nghttp2's names for HTTP/2 error codes.
Outcome h2_frame_outcome(std::string_view frame, uint32_t error_code);
// Go's "client conn could not be established": the connection died before the request was
// handed to it. cause is the read-side error that killed it, kept in the raw text.
Outcome no_connection_outcome(const Outcome& cause);

// Classifies a failed BoringSSL call. ssl_error is SSL_get_error(), saved_errno is errno read
// right after the call, packed_error is ERR_peek_error() (0 if none).
Outcome classify_ssl_failure(std::string_view op, int ssl_error, int saved_errno,
                             uint32_t packed_error);

// "EPIPE" for EPIPE; "E<n>" for numbers the C library cannot name.
std::string errno_name(int err);

// Whether cls is a class h2race can report (README "What the output means"), spelled exactly
// as it reports it: what `probe --expect` accepts, so a typo cannot stand in for the truth.
bool is_class_spelling(std::string_view cls);

}  // namespace h2race
