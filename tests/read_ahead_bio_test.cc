// The server's read-ahead decides FIN or RST at its close; these pin both halves of that
// mechanism on loopback TCP, without TLS and without timing: every byte is written (and has
// arrived, which poll confirms) before the side under test reads.
#include "servers/read_ahead_bio.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>

#include "core/unique_fd.h"

namespace h2race {
namespace {

struct TcpPair {
  UniqueFd client;
  UniqueFd server;
};

TcpPair connected_pair() {
  UniqueFd listener(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  EXPECT_EQ(bind(listener.get(), reinterpret_cast<sockaddr*>(&a), len), 0);
  EXPECT_EQ(listen(listener.get(), 1), 0);
  EXPECT_EQ(getsockname(listener.get(), reinterpret_cast<sockaddr*>(&a), &len), 0);
  TcpPair p{UniqueFd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)), UniqueFd()};
  EXPECT_EQ(connect(p.client.get(), reinterpret_cast<sockaddr*>(&a), len), 0);
  p.server.reset(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  EXPECT_TRUE(p.server);
  return p;
}

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 5000) == 1;
}

int unread_bytes(int fd) {
  int n = -1;
  ioctl(fd, FIONREAD, &n);
  return n;
}

const std::string kFlight = "finished-record|preface-and-settings|headers";

TEST(ReadAheadBio, OneReadTakesEverythingThatHasArrivedAndHandsItOutInOrder) {
  TcpPair p = connected_pair();
  ASSERT_EQ(write(p.client.get(), kFlight.data(), kFlight.size()),
            static_cast<ssize_t>(kFlight.size()));
  ASSERT_TRUE(readable(p.server.get()));
  ReadAhead ra;
  ra.fd = p.server.get();
  auto bio = make_read_ahead_bio(ra);
  char first[15];
  ASSERT_EQ(BIO_read(bio.get(), first, sizeof(first)), 15);
  EXPECT_EQ(unread_bytes(p.server.get()), 0) << "the rest stayed in the kernel";
  std::string rest(kFlight.size(), '\0');
  ASSERT_EQ(BIO_read(bio.get(), rest.data(), static_cast<int>(rest.size())),
            static_cast<int>(kFlight.size() - 15));
  rest.resize(kFlight.size() - 15);
  EXPECT_EQ(std::string(first, 15) + rest, kFlight);
}

// The client's read after the server's close: 0 (FIN) or -1 with this errno.
int client_sees_after_close(TcpPair& p) {
  if (!readable(p.client.get())) return -2;
  char c;
  const ssize_t n = read(p.client.get(), &c, 1);
  return n == 0 ? 0 : errno;
}

TEST(ReadAheadBio, CloseAfterReadingAheadSendsFin) {
  TcpPair p = connected_pair();
  ASSERT_EQ(write(p.client.get(), kFlight.data(), kFlight.size()),
            static_cast<ssize_t>(kFlight.size()));
  ASSERT_TRUE(readable(p.server.get()));
  ReadAhead ra;
  ra.fd = p.server.get();
  auto bio = make_read_ahead_bio(ra);
  char record[15];
  ASSERT_EQ(BIO_read(bio.get(), record, sizeof(record)), 15);
  p.server.reset();
  EXPECT_EQ(client_sees_after_close(p), 0);
}

// The control: reading only the record the TLS stack asked for leaves the rest unread, and the
// kernel answers the close with RST (the Linux mechanics, docs/peers.md; what `--server-read
// record` does).
TEST(ReadAheadBio, CloseAfterReadingOneRecordOnlySendsRst) {
  TcpPair p = connected_pair();
  ASSERT_EQ(write(p.client.get(), kFlight.data(), kFlight.size()),
            static_cast<ssize_t>(kFlight.size()));
  ASSERT_TRUE(readable(p.server.get()));
  char record[15];
  ASSERT_EQ(read(p.server.get(), record, sizeof(record)), 15);
  p.server.reset();
  EXPECT_EQ(client_sees_after_close(p), ECONNRESET);
}

TEST(ReadAheadBio, WritesGoStraightToTheSocket) {
  TcpPair p = connected_pair();
  ReadAhead ra;
  ra.fd = p.server.get();
  auto bio = make_read_ahead_bio(ra);
  ASSERT_EQ(BIO_write(bio.get(), "alert", 5), 5);
  ASSERT_TRUE(readable(p.client.get()));
  char buf[8];
  ASSERT_EQ(read(p.client.get(), buf, sizeof(buf)), 5);
  EXPECT_EQ(std::string(buf, 5), "alert");
}

}  // namespace
}  // namespace h2race
