// `--pcap FILE`: the explained connections' packets, decryptable with no other file.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/user_files.h"
#include "core/pcapng.h"

namespace h2race::cli {

PcapOutput::PcapOutput(const std::string& path, bool fresh_server, bool stdout_busy) : path_(path) {
  if (path.empty()) return;
  // The capture filters on the one server's port; a server per iteration has a port each.
  if (fresh_server) throw UsageError("--pcap: not with --fresh-server (it needs one server)");
  if (path == kStdoutPath && stdout_busy) {
    throw UsageError("--pcap -: stdout holds the table; give a file, or add -q (run)");
  }
  check_output_path("--pcap", path);
  try {
    capture_ = std::make_unique<PacketCapture>();
  } catch (const std::runtime_error& e) {
    throw UsageError(fmt::format("--pcap {}: {}", path, e.what()));
  }
}

void PcapOutput::write(const Examples& examples) {
  if (!capture_) return;
  const std::vector<CapturedPacket> packets = capture_->finish();
  std::string keylog;
  for (const auto& [cls, ex] : examples) {
    for (const auto& line : ex.keylog) keylog += line + "\n";
  }
  // 0600: the file holds the connections' TLS secrets.
  write_output("--pcap", path_,
               pcapng_bytes(capture_->linktype(), PacketCapture::kSnapLength, keylog, packets),
               0600);
  print_stderr(fmt::format("pcap: {} packets of {} connection(s) -> {}\n", packets.size(),
                           examples.size(), path_));
}

}  // namespace h2race::cli
