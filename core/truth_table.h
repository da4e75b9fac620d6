// Truth: what the server really did on each connection, keyed by the connection's 4-tuple so the
// driver can pair it with the client's Outcome for the same connection.
#pragma once

#include <sys/socket.h>

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace h2race {

struct ConnKey {
  std::array<uint8_t, 16> client_addr{};
  std::array<uint8_t, 16> server_addr{};
  uint16_t client_port = 0;
  uint16_t server_port = 0;
  bool operator==(const ConnKey&) const = default;
};

struct ConnKeyHash {
  size_t operator()(const ConnKey& k) const;
};

// The 4-tuple of a client's connected socket: its own address from the socket (the port is
// chosen at connect), the server's as connected to.
std::optional<ConnKey> client_conn_key(int fd, const sockaddr_storage& server);
// The 4-tuple from both ends' addresses (an external client reports its own as text).
std::optional<ConnKey> conn_key(const sockaddr_storage& client, const sockaddr_storage& server);
// "127.0.0.2:40312 -> 127.0.0.1:8443", for logs.
std::string to_string(const ConnKey& key);

// How long a record waits to be claimed: a client takes its truth within the driver's bound
// (a second) of its end; three is far past it.
inline constexpr std::chrono::milliseconds kUnclaimedTruthLifetime{3000};

class TruthTable {
 public:
  using Observer = std::function<void(const ConnKey&, const std::string&)>;
  // observer (if any) sees every record as it happens, from the server's threads; retain =
  // false keeps nothing for take() (`h2race serve` only logs and counts).
  explicit TruthTable(Observer observer = {}, bool retain = true,
                      std::chrono::milliseconds unclaimed_lifetime = kUnclaimedTruthLifetime)
      : observer_(std::move(observer)), retain_(retain), lifetime_(unclaimed_lifetime) {}

  void record(const ConnKey& key, std::string truth);
  // Removes and returns the truth for key, waiting up to wait for the server to record it.
  std::optional<std::string> take(const ConnKey& key, std::chrono::milliseconds wait);
  // For clients that cannot say which connection was theirs, run one at a time: waits
  // up to wait for a record, then removes them all; their truth if they agree, else nullopt.
  std::optional<std::string> take_sole(std::chrono::milliseconds wait);
  size_t size() const;

 private:
  Observer observer_;
  bool retain_ = true;
  std::chrono::milliseconds lifetime_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  struct Entry {
    std::string truth;
    std::chrono::steady_clock::time_point recorded;
  };
  std::unordered_map<ConnKey, Entry, ConnKeyHash> entries_;
  // Records in the order they came, to forget those nobody claimed (a client that gave up before
  // its connection's key was known): the table stays as large as a few seconds of records.
  std::deque<std::pair<ConnKey, std::chrono::steady_clock::time_point>> order_;
};

}  // namespace h2race
