// The go models' netpoller (clients/go_runtime.h, Processor): an arrival on the worker's watched
// connection wakes the idle looking thread, as Go's M blocked in netpoll takes the idle P and looks
// again when the server's alert arrives (docs/go-model.md, "Go's netpoller wakes on the server's
// alert"). A read loop is posted to be stealable only a while later; the looking thread, woken by
// the post, backs off and goes idle before that time, and nothing else wakes it: the read loop is
// then left to the writer unless an arrival wakes the thread. Unwatched (the connection's end,
// before its shutdown for reading) neither data nor the shutdown's hang-up wakes it.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>

#include "clients/go_runtime.h"
#include "core/unique_fd.h"

namespace h2race {
namespace {

using std::chrono::milliseconds;

struct SocketPair {
  SocketPair() {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
    ours.reset(fds[0]);
    peer.reset(fds[1]);
  }
  UniqueFd ours;
  UniqueFd peer;
};

// Posts a read loop stealable only `margin` later and waits for the looking thread to go idle
// before that (a slow machine gets a larger margin), lets the time pass, runs `arrive` and says
// whether the read loop was stolen within a second.
bool stolen_after(Processor& p, const std::function<void()>& arrive) {
  std::atomic<bool> ran{false};
  for (const auto margin : {milliseconds(100), milliseconds(1000), milliseconds(10000)}) {
    const auto from = Clock::now() + margin;
    p.post([&] { ran = true; }, from, std::chrono::microseconds(0), /*always=*/false);
    while (!p.idle() && Clock::now() < from) std::this_thread::sleep_for(milliseconds(1));
    if (Clock::now() < from && p.idle()) {
      std::this_thread::sleep_until(from + milliseconds(10));
      arrive();
      for (int i = 0; i < 100 && !ran; ++i) std::this_thread::sleep_for(milliseconds(10));
      const bool left = p.take().has_value();
      p.wait_idle();
      return ran && !left;
    }
    (void)p.take();  // too slow to go idle in time: again, with more time
    p.wait_idle();
    ran = false;
  }
  ADD_FAILURE() << "the looking thread never went idle";
  return false;
}

TEST(GoNetpoll, AnArrivalOnTheWatchedConnectionWakesTheLookingThread) {
  Sysmon sysmon;
  Processor p(sysmon, /*processors=*/2);
  SocketPair watched;
  p.watch(watched.ours.get());
  EXPECT_FALSE(stolen_after(p, [] {})) << "stolen with nothing to wake the looking thread";
  EXPECT_TRUE(stolen_after(p, [&] { ASSERT_EQ(write(watched.peer.get(), "x", 1), 1); }))
      << "an arrival on the watched socket did not wake the looking thread";
}

TEST(GoNetpoll, AnUnwatchedConnectionWakesNothing) {
  Sysmon sysmon;
  Processor p(sysmon, /*processors=*/2);
  SocketPair conn;
  p.watch(conn.ours.get());
  p.unwatch(conn.ours.get());
  EXPECT_FALSE(stolen_after(p, [&] {
    ASSERT_EQ(write(conn.peer.get(), "x", 1), 1);
    ASSERT_EQ(shutdown(conn.ours.get(), SHUT_RD), 0);
  }));
}

}  // namespace
}  // namespace h2race
