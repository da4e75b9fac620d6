// Files the user names on the command line, read and written through core/input_file.h and
// core/output_file.h. Every failure is a UsageError (exit 2) naming the flag, the path and the
// reason: the path is the user's choice, so its failure is not an internal error.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace h2race::cli {

// `-` for an output flag means stdout.
inline constexpr std::string_view kStdoutPath = "-";

// Refuses a bad output path before the work that produces its content (a long run).
void check_output_path(const std::string& flag, const std::string& path);
// Refuses (UsageError) two output flags, each a (flag, path) and unset when the path is empty,
// that name one target: both `-` (two documents mixed on stdout), the same path once resolved
// (`x.json`, `./x.json`), or two names of one existing file (a hard link). The second write would
// silently replace the first.
void check_distinct_outputs(const std::vector<std::pair<std::string, std::string>>& outputs);
// Creates the directory (or accepts a real one there) for files the command names itself; see
// make_output_directory for what is refused.
void make_output_dir(const std::string& flag, const std::string& path);
// Writes content to path (or stdout for `-`); see write_output_file for how.
void write_output(const std::string& flag, const std::string& path, std::string_view content,
                  std::optional<mode_t> mode = std::nullopt);
// The whole file, at most max_bytes. flag may be empty for a positional argument.
std::string read_input(const std::string& flag, const std::string& path, size_t max_bytes);

// Writes text to stdout at once; a failure is remembered with its errno for check_stdout (by the
// end of a command, errno no longer says why) and does not stop the command: its files are still
// written.
void print_stdout(std::string_view text);

// Writes text to stderr. A failure is ignored: stderr is where failures are reported, so a lost
// message has nowhere else to go, and the exit code still says what happened. (fmt::print throws
// on a closed stderr, and did so inside the error handlers: an abort instead of the exit code.)
void print_stderr(std::string_view text);

// A command's closing line ("merged 3 files ..."): on stderr when stdout holds the command's
// output (`-o -`), so that stdout is the output alone; on stdout otherwise.
void print_summary(std::string_view text, bool stdout_is_output);

// Gives each of stdin, stdout and stderr that the caller closed (`h2race run >&- 2>&-`) a
// descriptor that fails every write with EBADF, as the closed one did. Otherwise the next open()
// takes its number, and the table or an error message goes into a socket or a file being written.
// Called once at startup, before anything is opened.
void occupy_closed_standard_streams();

// Flushes stdout and throws UsageError with the OS's reason when anything written to it was
// lost (a full disk, a closed pipe): output the user asked for and did not get is a failure.
void check_stdout();

}  // namespace h2race::cli
