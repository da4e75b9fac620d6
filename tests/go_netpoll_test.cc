// The go models' netpoller (clients/go_runtime.h, Processor): an arrival on the worker's watched
// connection wakes the idle looking thread, as Go's M blocked in netpoll takes the idle P and looks
// again when the server's alert arrives (docs/go-model.md, "Go's netpoller wakes on the server's
// alert"). A read loop posted to be stealable only from 200 ms on is left to the writer when
// nothing wakes the looking thread after that (it went idle within a millisecond of the post); an
// arrival on a watched socket wakes it and it steals the read loop; one on a socket nobody
// watches does not.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
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
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    ours.reset(fds[0]);
    peer.reset(fds[1]);
  }
  UniqueFd ours;
  UniqueFd peer;
};

// Posts a read loop stealable from 200 ms on, lets that time pass with the looking thread idle,
// then runs `arrive` and says whether the read loop was stolen within a second.
bool stolen_after(Processor& p, const std::function<void()>& arrive) {
  std::atomic<bool> ran{false};
  p.post([&] { ran = true; }, Clock::now() + milliseconds(200), std::chrono::microseconds(0),
         /*always=*/false);
  std::this_thread::sleep_for(milliseconds(300));
  arrive();
  for (int i = 0; i < 100 && !ran; ++i) std::this_thread::sleep_for(milliseconds(10));
  const bool left = p.take().has_value();
  p.wait_idle();
  return ran && !left;
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

TEST(GoNetpoll, AnArrivalOnASocketNobodyWatchesWakesNothing) {
  Sysmon sysmon;
  Processor p(sysmon, /*processors=*/2);
  SocketPair unwatched;
  EXPECT_FALSE(stolen_after(p, [&] { ASSERT_EQ(write(unwatched.peer.get(), "x", 1), 1); }));
}

}  // namespace
}  // namespace h2race
