// Injection points (DESIGN "injection point"): named places in a peer, `side.point`, where a
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
  kCount
};
inline constexpr size_t kPointCount = static_cast<size_t>(Point::kCount);

struct PointInfo {
  Point point;
  std::string_view name;
  Side side;
};

inline constexpr std::array<PointInfo, kPointCount> kPoints = {{
    {Point::kClientConnected, "client.connected", Side::kClient},
    {Point::kClientHandshakeDone, "client.handshake_done", Side::kClient},
    {Point::kClientBeforePreface, "client.before_preface", Side::kClient},
    {Point::kClientAfterPreface, "client.after_preface", Side::kClient},
    {Point::kClientBeforeHeaders, "client.before_headers", Side::kClient},
    {Point::kClientBeforeRead, "client.before_read", Side::kClient},
    {Point::kServerAccepted, "server.accepted", Side::kServer},
    {Point::kServerBeforeAlert, "server.before_alert", Side::kServer},
    {Point::kServerCertVerified, "server.cert_verified", Side::kServer},
    {Point::kServerAfterAlert, "server.after_alert", Side::kServer},
    {Point::kServerBeforeClose, "server.before_close", Side::kServer},
    {Point::kServerAfterClose, "server.after_close", Side::kServer},
}};

constexpr bool points_follow_enum() {
  for (size_t i = 0; i < kPointCount; ++i) {
    if (static_cast<size_t>(kPoints[i].point) != i) return false;
    const std::string_view prefix = kPoints[i].side == Side::kClient ? "client." : "server.";
    if (!kPoints[i].name.starts_with(prefix)) return false;
  }
  return true;
}
static_assert(points_follow_enum(), "kPoints: one row per Point, in enum order, named side.point");

constexpr std::string_view point_name(Point p) { return kPoints[static_cast<size_t>(p)].name; }
constexpr Side point_side(Point p) { return kPoints[static_cast<size_t>(p)].side; }
std::optional<Point> parse_point(std::string_view name);

}  // namespace h2race
