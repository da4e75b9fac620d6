// The byte format the schedule fuzzer reads, kept apart so seeds can be written by hand:
//   byte 0: scenario — client = b % 3 (go, sequential, h1), client-cert = (b / 3) % 4
//           (none, untrusted, expired, valid);
//   then triples [point, action, param]: point = p % kPointCount (enum order, inject.h),
//           action = a % 3: 0 yield, 1 sleep param us, 2 wait for the other side's point
//           number param % (its side's point count), in enum order, bound kFuzzWaitBound.
// A later triple for the same point replaces an earlier one. Every input is a valid schedule.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/inject.h"
#include "core/scenario.h"

namespace h2race {

inline constexpr std::chrono::microseconds kFuzzWaitBound = std::chrono::milliseconds(2);

struct FuzzCase {
  Scenario scenario;
  Schedule schedule;
};

FuzzCase decode_fuzz_input(const uint8_t* data, size_t size);

}  // namespace h2race
