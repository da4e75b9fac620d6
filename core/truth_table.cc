#include "core/truth_table.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <string_view>

namespace h2race {
namespace {
// IPv4 addresses are stored as v4-mapped IPv6 so both families share one key type.
bool to_bytes(const sockaddr_storage& ss, std::array<uint8_t, 16>& addr, uint16_t& port) {
  if (ss.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(ss);
    addr.fill(0);
    addr[10] = addr[11] = 0xff;
    std::memcpy(&addr[12], &in.sin_addr, 4);
    port = ntohs(in.sin_port);
    return true;
  }
  if (ss.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(ss);
    std::memcpy(addr.data(), &in6.sin6_addr, 16);
    port = ntohs(in6.sin6_port);
    return true;
  }
  return false;
}
}  // namespace

size_t ConnKeyHash::operator()(const ConnKey& k) const {
  std::string_view bytes(reinterpret_cast<const char*>(&k), sizeof(k));
  return std::hash<std::string_view>()(bytes);
}

std::optional<ConnKey> conn_key(const sockaddr_storage& client, const sockaddr_storage& server) {
  ConnKey k;
  if (!to_bytes(client, k.client_addr, k.client_port)) return std::nullopt;
  if (!to_bytes(server, k.server_addr, k.server_port)) return std::nullopt;
  return k;
}

std::optional<ConnKey> client_conn_key(int fd, const sockaddr_storage& server) {
  sockaddr_storage local{};
  socklen_t len = sizeof(local);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) return std::nullopt;
  return conn_key(local, server);
}

std::string to_string(const ConnKey& key) {
  auto side = [](const std::array<uint8_t, 16>& a, uint16_t port) {
    static constexpr std::array<uint8_t, 12> kV4Mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char text[INET6_ADDRSTRLEN] = "?";
    if (std::equal(kV4Mapped.begin(), kV4Mapped.end(), a.begin())) {
      inet_ntop(AF_INET, &a[12], text, sizeof(text));
      return fmt::format("{}:{}", text, port);
    }
    inet_ntop(AF_INET6, a.data(), text, sizeof(text));
    return fmt::format("[{}]:{}", text, port);
  };
  return side(key.client_addr, key.client_port) + " -> " + side(key.server_addr, key.server_port);
}

void TruthTable::record(const ConnKey& key, std::string truth) {
  if (observer_) observer_(key, truth);
  if (!retain_) return;
  {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    // A later connection on a reused 4-tuple replaces a record nobody claimed.
    entries_[key] = Entry{std::move(truth), now};
    order_.emplace_back(key, now);
    while (!order_.empty() && now - order_.front().second > lifetime_) {
      const auto it = entries_.find(order_.front().first);
      // Only the record this entry of order_ stands for (the key may have a newer one).
      if (it != entries_.end() && it->second.recorded == order_.front().second) entries_.erase(it);
      order_.pop_front();
    }
  }
  cv_.notify_all();
}

std::optional<std::string> TruthTable::take(const ConnKey& key, std::chrono::milliseconds wait) {
  std::unique_lock lock(mu_);
  auto it = entries_.end();
  cv_.wait_for(lock, wait, [&] { return (it = entries_.find(key)) != entries_.end(); });
  if (it == entries_.end()) return std::nullopt;
  std::string truth = std::move(it->second.truth);
  entries_.erase(it);
  return truth;
}

std::optional<std::string> TruthTable::take_sole(std::chrono::milliseconds wait) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, wait, [&] { return !entries_.empty(); });
  std::optional<std::string> truth;
  for (auto& [key, e] : entries_) {
    if (truth && *truth != e.truth) {
      entries_.clear();
      order_.clear();
      return std::nullopt;
    }
    truth = std::move(e.truth);
  }
  entries_.clear();
  order_.clear();
  return truth;
}

size_t TruthTable::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace h2race
