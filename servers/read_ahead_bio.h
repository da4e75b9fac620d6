// The server's socket BIO with read-ahead, as Go's crypto/tls reads: each read from the socket
// takes whatever has arrived (up to a buffer), not just the record the TLS stack asked for.
// It decides the race on the server's side: the client's last handshake flight and the bytes it
// wrote right behind it (preface, request) usually arrive together, so a server that reads ahead
// has consumed them when it closes after the alert (FIN), while a server that reads one record at
// a time leaves them unread and the kernel answers its close with RST.
#pragma once

#include <openssl/bio.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace h2race {

// Buffer and position; lives as long as the connection (on the handler's stack), not owned by
// the BIO, so a connection costs no allocation for it.
struct ReadAhead {
  int fd = -1;
  // false: read only what the TLS stack asks for, as BoringSSL's socket BIO does (`serve
  // --server-read record`, which needs the deadline below too).
  bool ahead = true;
  // When set, no read lasts past it: each read's SO_RCVTIMEO is the time left, and a read once
  // it passed fails with ETIMEDOUT. `serve` bounds a whole handshake this way, so a client that
  // trickles its bytes cannot hold a worker for longer.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::array<uint8_t, 16 * 1024> buf;
  size_t begin = 0;
  size_t end = 0;
};

// A BIO reading `ra.fd` through `ra`'s buffer and writing to it directly (MSG_NOSIGNAL). Errors
// leave errno as the socket call set it, and a timeout (EAGAIN from SO_RCVTIMEO/SO_SNDTIMEO)
// sets the retry flags, as BoringSSL's own socket BIO does. Does not own the fd.
bssl::UniquePtr<BIO> make_read_ahead_bio(ReadAhead& ra);

}  // namespace h2race
