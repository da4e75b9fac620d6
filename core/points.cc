#include "core/points.h"

namespace h2race {

std::optional<Point> parse_point(std::string_view name) {
  for (const PointInfo& info : kPoints) {
    if (info.name == name) return info.point;
  }
  return std::nullopt;
}

}  // namespace h2race
