#include "harness/packet_capture.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace h2race {
namespace {

// Connections decided as dropped are remembered so that their late packets (FIN, RST, the
// TIME_WAIT side's ACK) do not start a new pending entry; past this many the memory is cleared.
constexpr size_t kMaxDroppedKeys = 1 << 16;
// Connections the driver never decides (a Go model's dropped connections before a redial) are
// forgotten once their last packet is this old: every iteration is bounded far below it.
constexpr int64_t kForgetAfterUs = 60'000'000;
constexpr uint64_t kSweepEvery = 1 << 14;  // packets

// The 4-tuple of a TCP packet on an Ethernet-framed link (Linux's loopback), with the client
// being the side that is not the server's port.
std::optional<ConnKey> packet_key(const u_char* p, size_t len, uint16_t server_port) {
  constexpr size_t kEthernet = 14;
  if (len < kEthernet) return std::nullopt;
  const uint16_t ethertype = static_cast<uint16_t>(p[12] << 8 | p[13]);
  sockaddr_storage src{}, dst{};
  size_t tcp_at = 0;
  if (ethertype == 0x0800 && len >= kEthernet + sizeof(ip)) {
    ip h;
    std::memcpy(&h, p + kEthernet, sizeof(h));
    if (h.ip_p != IPPROTO_TCP) return std::nullopt;
    auto* s = reinterpret_cast<sockaddr_in*>(&src);
    auto* d = reinterpret_cast<sockaddr_in*>(&dst);
    s->sin_family = d->sin_family = AF_INET;
    s->sin_addr = h.ip_src;
    d->sin_addr = h.ip_dst;
    tcp_at = kEthernet + static_cast<size_t>(h.ip_hl) * 4;
  } else if (ethertype == 0x86DD && len >= kEthernet + sizeof(ip6_hdr)) {
    ip6_hdr h;
    std::memcpy(&h, p + kEthernet, sizeof(h));
    if (h.ip6_nxt != IPPROTO_TCP) return std::nullopt;
    auto* s = reinterpret_cast<sockaddr_in6*>(&src);
    auto* d = reinterpret_cast<sockaddr_in6*>(&dst);
    s->sin6_family = d->sin6_family = AF_INET6;
    s->sin6_addr = h.ip6_src;
    d->sin6_addr = h.ip6_dst;
    tcp_at = kEthernet + sizeof(ip6_hdr);
  } else {
    return std::nullopt;
  }
  if (len < tcp_at + 4) return std::nullopt;
  const uint16_t sport = static_cast<uint16_t>(p[tcp_at] << 8 | p[tcp_at + 1]);
  const uint16_t dport = static_cast<uint16_t>(p[tcp_at + 2] << 8 | p[tcp_at + 3]);
  auto set_port = [](sockaddr_storage& a, uint16_t port) {
    if (a.ss_family == AF_INET) {
      reinterpret_cast<sockaddr_in*>(&a)->sin_port = htons(port);
    } else {
      reinterpret_cast<sockaddr_in6*>(&a)->sin6_port = htons(port);
    }
  };
  set_port(src, sport);
  set_port(dst, dport);
  return dport == server_port ? conn_key(src, dst) : conn_key(dst, src);
}

}  // namespace

PacketCapture::PacketCapture(bool keep_all) : pcap_(nullptr, pcap_close), keep_all_(keep_all) {
  char err[PCAP_ERRBUF_SIZE] = "";
  pcap_.reset(pcap_create("lo", err));
  if (!pcap_) throw std::runtime_error(fmt::format("cannot open the loopback interface: {}", err));
  pcap_set_snaplen(pcap_.get(), static_cast<int>(kSnapLength));
  // Not immediate mode: libpcap then uses TPACKET_V3, whose ring packs packets into blocks
  // handed over every 20 ms (or when full), where immediate mode's TPACKET_V2 gives every
  // packet a frame of the snap length (65,600 bytes: ~2,000 packets in the ring). Under
  // ThreadSanitizer on two busy cores the capture thread fell 1,268 packets behind that ring in
  // a run of 200 connections (CI, 2026-12-03). Nothing here needs a packet sooner than 20 ms:
  // connections are kept or dropped by key whenever their packets come (take, keep, drop), and
  // finish() waits for 100 ms without one.
  pcap_set_immediate_mode(pcap_.get(), 0);
  pcap_set_buffer_size(pcap_.get(), kBufferBytes);
  pcap_set_timeout(pcap_.get(), 20);
  const int rc = pcap_activate(pcap_.get());
  if (rc < 0) {
    throw std::runtime_error(fmt::format("cannot capture on the loopback interface: {} ({})",
                                         pcap_statustostr(rc), pcap_geterr(pcap_.get())));
  }
  // Until start() names the port, a filter that matches nothing: unfiltered, the ring would fill
  // with the machine's other loopback traffic (other tests, other runs), which the capture thread
  // (not started yet) does not drain, and the run's own first packets would be dropped.
  set_filter("tcp port 0");
  linktype_ = static_cast<uint16_t>(pcap_datalink(pcap_.get()));
  if (linktype_ != DLT_EN10MB) {
    throw std::runtime_error(
        fmt::format("the loopback interface has link type {}, not Ethernet", linktype_));
  }
}

PacketCapture::~PacketCapture() {
  stop_ = true;
  if (thread_.joinable()) {
    pcap_breakloop(pcap_.get());
    thread_.join();
  }
}

void PacketCapture::set_filter(const std::string& expr) {
  bpf_program filter{};
  if (pcap_compile(pcap_.get(), &filter, expr.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0 ||
      pcap_setfilter(pcap_.get(), &filter) != 0) {
    pcap_freecode(&filter);
    throw std::runtime_error(
        fmt::format("cannot filter on '{}': {}", expr, pcap_geterr(pcap_.get())));
  }
  pcap_freecode(&filter);
}

void PacketCapture::start(uint16_t server_port) {
  if (port_ == server_port) return;
  if (port_ != 0) throw std::logic_error("PacketCapture: one server port per capture");
  set_filter(fmt::format("tcp port {}", server_port));
  port_ = server_port;
  thread_ = std::thread([this] { loop(); });
}

void PacketCapture::loop() {
  while (!stop_.load()) {
    if (pcap_dispatch(pcap_.get(), -1, &PacketCapture::on_packet,
                      reinterpret_cast<u_char*>(this)) == PCAP_ERROR_BREAK) {
      break;
    }
  }
}

void PacketCapture::on_packet(u_char* self, const pcap_pkthdr* h, const u_char* bytes) {
  reinterpret_cast<PacketCapture*>(self)->take(h, bytes);
}

void PacketCapture::take(const pcap_pkthdr* h, const u_char* bytes) {
  const auto key = packet_key(bytes, h->caplen, port_);
  if (!key) return;
  Held held{0,
            {int64_t{h->ts.tv_sec} * 1'000'000 + h->ts.tv_usec, h->len,
             std::string(reinterpret_cast<const char*>(bytes), h->caplen)}};
  std::lock_guard lock(mu_);
  last_packet_ = std::chrono::steady_clock::now();
  held.seq = seq_++;
  if (held.seq % kSweepEvery == 0) {
    std::erase_if(pending_, [&](const auto& entry) {
      return held.packet.ts_us - entry.second.back().packet.ts_us > kForgetAfterUs;
    });
  }
  if (keep_all_ || kept_keys_.count(*key)) {
    kept_.push_back(std::move(held));
  } else if (!dropped_keys_.count(*key)) {
    pending_[*key].push_back(std::move(held));
  }
}

void PacketCapture::keep(const ConnKey& key) {
  std::lock_guard lock(mu_);
  kept_keys_.insert(key);
  dropped_keys_.erase(key);
  if (auto it = pending_.find(key); it != pending_.end()) {
    for (auto& h : it->second) kept_.push_back(std::move(h));
    pending_.erase(it);
  }
}

void PacketCapture::drop(const ConnKey& key) {
  std::lock_guard lock(mu_);
  if (kept_keys_.count(key)) return;
  pending_.erase(key);
  if (dropped_keys_.size() >= kMaxDroppedKeys) dropped_keys_.clear();
  dropped_keys_.insert(key);
}

std::vector<CapturedPacket> PacketCapture::finish() {
  if (thread_.joinable()) {
    // Let the capture thread read what the kernel still holds (the last close's packets): until
    // no packet came for 100 ms (a loaded machine delays the thread), at most 2 s.
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      const auto now = std::chrono::steady_clock::now();
      std::lock_guard lock(mu_);
      if (now - std::max(last_packet_, start) >= std::chrono::milliseconds(100) ||
          now - start >= std::chrono::seconds(2)) {
        break;
      }
    }
    stop_ = true;
    pcap_breakloop(pcap_.get());
    thread_.join();
    pcap_stat stats{};
    if (pcap_stats(pcap_.get(), &stats) == 0) dropped_ = stats.ps_drop;
  }
  std::lock_guard lock(mu_);
  std::sort(kept_.begin(), kept_.end(), [](const Held& a, const Held& b) { return a.seq < b.seq; });
  std::vector<CapturedPacket> out;
  for (auto& h : kept_) out.push_back(std::move(h.packet));
  kept_.clear();
  return out;
}

}  // namespace h2race
