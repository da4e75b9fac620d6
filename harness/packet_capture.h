// `--pcap`: the loopback packets of the explained connections. libpcap captures everything to
// and from the server's port on its own thread; packets wait per connection (4-tuple) until the
// driver says whether that connection became an example (keep) or not (drop), so memory holds
// only the connections still in flight and the examples.
#pragma once

#include <pcap/pcap.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/pcapng.h"
#include "core/truth_table.h"

namespace h2race {

class PacketCapture {
 public:
  // Opens the loopback interface; throws std::runtime_error with libpcap's reason (e.g. no
  // permission to capture), before anything runs. keep_all: every connection's packets are
  // kept (truth from the wire), with no keep() or drop().
  explicit PacketCapture(bool keep_all = false);
  ~PacketCapture();
  PacketCapture(const PacketCapture&) = delete;
  PacketCapture& operator=(const PacketCapture&) = delete;

  // Captures TCP to and from this port from now on (once; later calls for the same port are
  // no-ops, another port is an error).
  void start(uint16_t server_port);
  void keep(const ConnKey& key);
  void drop(const ConnKey& key);
  // Stops capturing (after what the kernel still holds is read) and returns the kept
  // connections' packets in capture order.
  std::vector<CapturedPacket> finish();

  uint16_t linktype() const { return linktype_; }
  // Packets the kernel dropped because the capture fell behind (libpcap's ps_drop), read by
  // finish(): their connections' truth cannot be read whole.
  uint64_t dropped() const { return dropped_; }
  // Loopback's MTU (65536) and the link header: every packet whole. The ring is kBufferBytes of
  // TPACKET_V3 blocks, each filled with packets at their own size and handed over when full or
  // after 20 ms (PACKET_VERSION 2 in strace), so how far the capture thread may fall behind is
  // counted in blocks, not in snap-length frames.
  static constexpr uint32_t kSnapLength = 65600;
  static constexpr int kBufferBytes = 128 << 20;

 private:
  struct Held {
    uint64_t seq;
    CapturedPacket packet;
  };
  void set_filter(const std::string& expr);  // throws std::runtime_error naming it
  static void on_packet(u_char* self, const pcap_pkthdr* h, const u_char* bytes);
  void take(const pcap_pkthdr* h, const u_char* bytes);
  void loop();

  std::unique_ptr<pcap_t, void (*)(pcap_t*)> pcap_;
  uint16_t linktype_ = 0;
  uint16_t port_ = 0;
  uint64_t dropped_ = 0;
  bool keep_all_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  uint64_t seq_ = 0;
  std::chrono::steady_clock::time_point last_packet_{};  // when take() last saw one
  std::unordered_map<ConnKey, std::vector<Held>, ConnKeyHash> pending_;
  std::unordered_set<ConnKey, ConnKeyHash> kept_keys_, dropped_keys_;
  std::vector<Held> kept_;
};

}  // namespace h2race
