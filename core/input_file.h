// The one way h2race reads a file it is given (histograms, schedules, PEM files): regular files
// only, checked after opening without blocking (a FIFO with no writer cannot hang us), and no
// more than a cap (a huge or endless file cannot exhaust memory).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace h2race {

// A histogram of thousands of classes is a few hundred KiB; 64 MiB is far beyond any real one.
inline constexpr size_t kMaxHistogramBytes = size_t{64} << 20;
// Schedules are a line per injection point; PEM files a few KiB (a CA bundle a few hundred).
inline constexpr size_t kMaxScheduleBytes = size_t{1} << 20;
inline constexpr size_t kMaxPemBytes = size_t{16} << 20;
// An external program's answer lines (`h2race classify`): about 100 bytes per request.
inline constexpr size_t kMaxAnswerBytes = size_t{256} << 20;

// The whole file. Throws FileError naming the path and what is wrong: cannot open (the OS's
// reason), a directory, not a regular file (which kind), larger than max_bytes, a read error.
std::string read_input_file(const std::filesystem::path& path, size_t max_bytes);

}  // namespace h2race
