// The canonical class names (README "What the output means"): tests, baselines and users' scripts
// depend on these spellings, so every place that names a class uses a constant from here, never a
// literal. Classes built from parts (tls_alert:<name>, <op>:<errno name>, h2:goaway:<code>) are
// made by the helpers in core/outcome.h from the prefixes below.
#pragma once

#include <string_view>

namespace h2race::cls {

// The request's own end: it succeeded, ran out of time, or ended in text no rule knows.
inline constexpr std::string_view kOk = "ok";
inline constexpr std::string_view kTimeout = "timeout";
inline constexpr std::string_view kOther = "other";

// Transport errors, as the failed call and its errno (or a plain TCP EOF).
inline constexpr std::string_view kWriteEpipe = "write:EPIPE";
inline constexpr std::string_view kWriteEconnreset = "write:ECONNRESET";
inline constexpr std::string_view kReadEconnreset = "read:ECONNRESET";
inline constexpr std::string_view kReadEof = "read:EOF";
// A read that failed in the client's TLS layer, and what the user sees names no alert: grpcio's
// "Unwrap failed (TSI_DATA_CORRUPTED)" (its BoringSSL read the server's alert record).
inline constexpr std::string_view kReadTlsError = "read:tls_error";
// A write the kernel failed (EPIPE or ECONNRESET) whose errno the client's TLS layer dropped:
// Python's ssl module reports a failed SSL_write_ex as `SSLEOFError: EOF occurred in violation
// of protocol` (strace shows the write's -1 EPIPE).
inline constexpr std::string_view kWriteErrnoLost = "write:errno_lost";
// The client closed the connection's socket itself (one of its threads saw the server's close
// and tore the connection down) before the request's own call used it: Java's
// `ClosedChannelException`.
inline constexpr std::string_view kClosedLocally = "conn:closed_locally";
// The client dropped the request because its connection had already ended, and what the user
// sees names no cause: hyper's `operation was canceled <- connection closed` (or `connection was
// not ready`, `channel closed`), although its connection task had read the alert.
inline constexpr std::string_view kCanceled = "conn:canceled";

// The TLS alert the server sent: tls_alert:<RFC 8446 name>.
inline constexpr std::string_view kAlertPrefix = "tls_alert:";
inline constexpr std::string_view kCertificateRequired = "tls_alert:certificate_required";

// The server answered at the HTTP level instead of with an alert: it completed the handshake
// without the certificate and its response had this status (nginx's `ssl_verify_client on`
// answers 400): http:<status>, three digits. A 200 is `ok`.
inline constexpr std::string_view kHttpPrefix = "http:";
// Truth only (what a server did, read from the wire): it closed the connection (FIN or RST)
// without sending an alert or a response.
inline constexpr std::string_view kCloseNoAlert = "close:no_alert";

// HTTP/2: Go's "client conn could not be established" (the connection died before the request
// went out), and the frames that end a connection or a stream, with nghttp2's code names.
inline constexpr std::string_view kNoConnection = "h2:no_connection";
inline constexpr std::string_view kGoawayPrefix = "h2:goaway:";
inline constexpr std::string_view kRstStreamPrefix = "h2:rst_stream:";

// Every class spelled without a parameter (no alert, errno or HTTP/2 code in it): the one list
// that probe --expect and client definition rules check a spelling against.
inline constexpr std::string_view kFixedClasses[] = {
    kOk,       kTimeout,        kOther,       kNoConnection, kClosedLocally,
    kCanceled, kWriteErrnoLost, kReadTlsError, kCloseNoAlert};

// Not a class: the truth of an iteration no server record was found for.
inline constexpr std::string_view kUnknownTruth = "unknown";

}  // namespace h2race::cls
