// Injection points (docs/schedules-and-fuzzing.md): named places in a peer, `side.point`, where a
// schedule may act. Every fact about a point is one row of kPoints; the compiler checks that the
// rows follow the enum. Rows are only ever appended: a point's position is its number in the
// schedule fuzzer's input (fuzz/fuzz_schedule_input.h), so inserting a row would change what the
// committed seeds mean (tests/fuzz_input_test.cc holds them to their meaning). Never rename one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace h2race {

enum class Side : uint8_t { kClient, kServer };
// The thread a point runs on: a wait: orders two threads, so it may name any point of another
// thread — the server's, or the client's read loop from the client's caller and back.
enum class Thread : uint8_t { kClient, kClientReadLoop, kServer };

enum class Point : uint8_t {
  kClientConnected,
  kClientHandshakeDone,
  kClientBeforePreface,
  kClientAfterPreface,
  kClientBeforeHeaders,
  kClientBeforeRead,
  kServerAccepted,
  kServerBeforeAlert,
  kServerCertVerified,
  kServerAfterAlert,
  kServerBeforeClose,
  kServerAfterClose,
  kClientReadLoopStarted,
  kClientReadError,
  kClientConnReserved,
  kCount
};
inline constexpr size_t kPointCount = static_cast<size_t>(Point::kCount);

struct PointInfo {
  Point point;
  std::string_view name;
  Thread thread;
};

inline constexpr std::array<PointInfo, kPointCount> kPoints = {{
    {Point::kClientConnected, "client.connected", Thread::kClient},
    {Point::kClientHandshakeDone, "client.handshake_done", Thread::kClient},
    {Point::kClientBeforePreface, "client.before_preface", Thread::kClient},
    {Point::kClientAfterPreface, "client.after_preface", Thread::kClient},
    {Point::kClientBeforeHeaders, "client.before_headers", Thread::kClient},
    {Point::kClientBeforeRead, "client.before_read", Thread::kClient},
    {Point::kServerAccepted, "server.accepted", Thread::kServer},
    {Point::kServerBeforeAlert, "server.before_alert", Thread::kServer},
    {Point::kServerCertVerified, "server.cert_verified", Thread::kServer},
    {Point::kServerAfterAlert, "server.after_alert", Thread::kServer},
    {Point::kServerBeforeClose, "server.before_close", Thread::kServer},
    {Point::kServerAfterClose, "server.after_close", Thread::kServer},
    // The `go` model's read loop (its own thread): started, before its first read; and after a
    // read error has marked the connection closed and aborted its stream.
    {Point::kClientReadLoopStarted, "client.read_loop_started", Thread::kClientReadLoop},
    {Point::kClientReadError, "client.read_error", Thread::kClientReadLoop},
    // The `go` model: the request has reserved the connection, its stream has no ID yet.
    {Point::kClientConnReserved, "client.conn_reserved", Thread::kClient},
}};

constexpr bool points_follow_enum() {
  for (size_t i = 0; i < kPointCount; ++i) {
    if (static_cast<size_t>(kPoints[i].point) != i) return false;
    const std::string_view prefix = kPoints[i].thread == Thread::kServer ? "server." : "client.";
    if (!kPoints[i].name.starts_with(prefix)) return false;
  }
  return true;
}
static_assert(points_follow_enum(), "kPoints: one row per Point, in enum order, named side.point");

constexpr std::string_view point_name(Point p) { return kPoints[static_cast<size_t>(p)].name; }
constexpr Thread point_thread(Point p) { return kPoints[static_cast<size_t>(p)].thread; }
constexpr Side point_side(Point p) {
  return point_thread(p) == Thread::kServer ? Side::kServer : Side::kClient;
}
std::optional<Point> parse_point(std::string_view name);

}  // namespace h2race
