// A pcapng file (IETF draft-ietf-opsawg-pcapng) in memory: a section header, one interface, a
// Decryption Secrets Block holding a TLS key log (so Wireshark and tshark decrypt the TLS in it
// with no other file), then the packets as Enhanced Packet Blocks. Host byte order, which the
// section header's byte-order magic declares.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace h2race {

struct CapturedPacket {
  int64_t ts_us = 0;      // since the Unix epoch
  uint32_t orig_len = 0;  // on the wire; data may be shorter (snap length)
  std::string data;       // from the link-layer header on
};

// linktype: the capture's DLT/LINKTYPE (1 = Ethernet, which Linux's loopback has).
std::string pcapng_bytes(uint16_t linktype, uint32_t snaplen, std::string_view tls_keylog,
                         const std::vector<CapturedPacket>& packets);

}  // namespace h2race
