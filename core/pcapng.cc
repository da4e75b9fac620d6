#include "core/pcapng.h"

#include <cstring>

namespace h2race {
namespace {

constexpr uint32_t kSectionHeader = 0x0A0D0D0A;
constexpr uint32_t kInterfaceDescription = 1;
constexpr uint32_t kEnhancedPacket = 6;
constexpr uint32_t kDecryptionSecrets = 0x0000000A;
constexpr uint32_t kTlsKeyLog = 0x544c534b;  // "TLSK"
constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;

template <typename T>
void put(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}

void pad4(std::string& out) { out.append((4 - out.size() % 4) % 4, '\0'); }

// A block: type, total length, body (padded to 4 bytes), total length again.
void block(std::string& out, uint32_t type, std::string body) {
  pad4(body);
  const auto total = static_cast<uint32_t>(12 + body.size());
  put(out, type);
  put(out, total);
  out += body;
  put(out, total);
}

}  // namespace

std::string pcapng_bytes(uint16_t linktype, uint32_t snaplen, std::string_view tls_keylog,
                         const std::vector<CapturedPacket>& packets) {
  std::string out;
  std::string shb;
  put(shb, kByteOrderMagic);
  put(shb, uint16_t{1});  // major version
  put(shb, uint16_t{0});  // minor version
  put(shb, int64_t{-1});  // section length: not given
  block(out, kSectionHeader, shb);

  std::string idb;
  put(idb, linktype);
  put(idb, uint16_t{0});  // reserved
  put(idb, snaplen);      // no options: timestamps are in microseconds
  block(out, kInterfaceDescription, idb);

  if (!tls_keylog.empty()) {
    std::string dsb;
    put(dsb, kTlsKeyLog);
    put(dsb, static_cast<uint32_t>(tls_keylog.size()));
    dsb += tls_keylog;
    block(out, kDecryptionSecrets, dsb);
  }

  for (const CapturedPacket& p : packets) {
    std::string epb;
    const auto ts = static_cast<uint64_t>(p.ts_us);
    put(epb, uint32_t{0});  // interface 0
    put(epb, static_cast<uint32_t>(ts >> 32));
    put(epb, static_cast<uint32_t>(ts & 0xffffffffu));
    put(epb, static_cast<uint32_t>(p.data.size()));
    put(epb, p.orig_len);
    epb += p.data;
    block(out, kEnhancedPacket, epb);
  }
  return out;
}

}  // namespace h2race
