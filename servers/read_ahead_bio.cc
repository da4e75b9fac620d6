#include "servers/read_ahead_bio.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "core/inject.h"

namespace h2race {
namespace {

bool should_retry(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == EINTR; }

// Sets the socket's receive timeout to the time left before ra.deadline; false (errno
// ETIMEDOUT) once none is left.
bool bound_by_deadline(const ReadAhead& ra) {
  const auto left =
      std::chrono::ceil<std::chrono::microseconds>(*ra.deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    errno = ETIMEDOUT;
    return false;
  }
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(left.count() / 1000000);
  tv.tv_usec = static_cast<suseconds_t>(left.count() % 1000000);
  setsockopt(ra.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return true;
}

int ra_read(BIO* bio, char* out, int len) {
  auto* ra = static_cast<ReadAhead*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (len <= 0) return 0;
  if (ra->deadline && !bound_by_deadline(*ra)) return -1;
  if (!ra->ahead) {
    const ssize_t n = read(ra->fd, out, static_cast<size_t>(len));
    if (n < 0 && should_retry(errno)) BIO_set_retry_read(bio);
    if (n > 0 && explaining()) note("read", fmt::format("{} bytes from the kernel", n));
    return static_cast<int>(n);
  }
  if (ra->begin == ra->end) {
    const ssize_t n = read(ra->fd, ra->buf.data(), ra->buf.size());
    if (n < 0) {
      if (should_retry(errno)) BIO_set_retry_read(bio);
      return -1;
    }
    if (n == 0) return 0;
    if (explaining()) note("read", fmt::format("{} bytes from the kernel", n));
    ra->begin = 0;
    ra->end = static_cast<size_t>(n);
  }
  const size_t k = std::min(static_cast<size_t>(len), ra->end - ra->begin);
  std::memcpy(out, ra->buf.data() + ra->begin, k);
  ra->begin += k;
  return static_cast<int>(k);
}

int ra_write(BIO* bio, const char* in, int len) {
  auto* ra = static_cast<ReadAhead*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  const ssize_t n = send(ra->fd, in, static_cast<size_t>(len), MSG_NOSIGNAL);
  if (n < 0 && should_retry(errno)) BIO_set_retry_write(bio);
  return static_cast<int>(n);
}

long ra_ctrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }

int ra_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* read_ahead_method() {
  static const BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "h2race read-ahead");
    if (!m) throw std::runtime_error("BIO_meth_new failed");
    BIO_meth_set_read(m, ra_read);
    BIO_meth_set_write(m, ra_write);
    BIO_meth_set_ctrl(m, ra_ctrl);
    BIO_meth_set_create(m, ra_create);
    return m;
  }();
  return method;
}

}  // namespace

bssl::UniquePtr<BIO> make_read_ahead_bio(ReadAhead& ra) {
  bssl::UniquePtr<BIO> bio(BIO_new(read_ahead_method()));
  if (!bio) throw std::runtime_error("BIO_new failed");
  BIO_set_data(bio.get(), &ra);
  return bio;
}

}  // namespace h2race
