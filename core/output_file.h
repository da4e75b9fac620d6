// The one way h2race writes a file (JSON, Markdown, SVG, PKI): whole or not at all, never through
// a link, never over something that is not a regular file.
//
// The new content goes to a fresh temporary file in the target's directory, created exclusively
// and without following links (so nothing planted at a predictable name is written through), given
// the replaced file's mode (or the requested one, 0600 for keys), written, fsynced and closed with
// every result checked, then renamed over the target. On any failure the temporary file is
// removed and the target is left as it was.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string_view>

namespace h2race {

// Throws FileError when path is empty, its directory does not exist, or something other than a
// regular file (a symlink, a device, a FIFO, a directory) is at path. Checked again on writing;
// this lets a command refuse a bad path before a long run.
void check_output_target(const std::filesystem::path& path);

// A directory h2race names itself for files it writes there (report's "<md>-diagrams"): created
// if missing (its parent must exist), accepted if a real directory is there. Throws FileError
// when something else is at path: through a symlink the files would land wherever it points,
// and a file or a FIFO cannot hold them.
void make_output_directory(const std::filesystem::path& path);

// mode: the new file's permission bits; by default those of the file replaced, or 0666 less the
// umask for a new file. Throws FileError naming the path and the OS's reason.
void write_output_file(const std::filesystem::path& path, std::string_view content,
                       std::optional<mode_t> mode = std::nullopt);

}  // namespace h2race
