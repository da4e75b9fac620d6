// The go models run each request on their worker's request thread (clients/request_threads.h):
// one per worker, replaced by a new one after five requests; with several, they are taken in turn.
// A job runs on a request thread, never the caller's, and what it throws reaches the caller.
// Which thread ran a job is told by its kernel thread ID (not reused until the IDs wrap, as
// std::thread::id may be once a thread is joined); no timing is asserted.
#include "clients/request_threads.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace h2race {
namespace {

std::vector<pid_t> run_jobs(RequestThreads& threads, int jobs) {
  std::vector<pid_t> ran_on;
  for (int i = 0; i < jobs; ++i) {
    threads.run([&] { ran_on.push_back(gettid()); });
  }
  return ran_on;
}

TEST(RequestThreads, TakesTheThreadsInTurnAndReplacesEachAfterItsShare) {
  RequestThreads threads(2, 3);
  const std::vector<pid_t> ran_on = run_jobs(threads, 12);
  ASSERT_EQ(ran_on.size(), 12u);
  for (size_t i = 0; i < ran_on.size(); ++i) {
    EXPECT_NE(ran_on[i], gettid()) << "job " << i;
    if (i > 0) {
      EXPECT_NE(ran_on[i], ran_on[i - 1]) << "job " << i << " on its predecessor's thread";
    }
  }
  // Jobs 0, 2, 4 on the first thread, 1, 3, 5 on the second; then both are new.
  for (size_t first : {0u, 6u}) {
    EXPECT_EQ(ran_on[first], ran_on[first + 2]);
    EXPECT_EQ(ran_on[first], ran_on[first + 4]);
    EXPECT_EQ(ran_on[first + 1], ran_on[first + 3]);
    EXPECT_EQ(ran_on[first + 1], ran_on[first + 5]);
  }
  EXPECT_EQ(std::set<pid_t>(ran_on.begin(), ran_on.end()).size(), 4u);
  EXPECT_NE(ran_on[6], ran_on[0]);
  EXPECT_NE(ran_on[7], ran_on[1]);
}

TEST(RequestThreads, OneThreadServesItsShareThenANewOneTakesOver) {
  RequestThreads threads(1, 2);
  const std::vector<pid_t> ran_on = run_jobs(threads, 4);
  EXPECT_EQ(ran_on[0], ran_on[1]);
  EXPECT_EQ(ran_on[2], ran_on[3]);
  EXPECT_NE(ran_on[0], ran_on[2]);
  EXPECT_NE(ran_on[0], gettid());
}

// The model's own: each client worker (a thread) has its own, made at its first request.
TEST(RequestThreads, AWorkersThreadServesFiveRequestsThenANewOneTakesOver) {
  ASSERT_EQ(kRequestThreadsPerWorker, 1u);
  ASSERT_EQ(kRequestsPerThread, 5);
  std::vector<pid_t> ran_on;
  std::thread worker([&] { ran_on = run_jobs(request_threads(), 10); });
  worker.join();
  ASSERT_EQ(ran_on.size(), 10u);
  EXPECT_EQ(std::set<pid_t>(ran_on.begin(), ran_on.begin() + 5).size(), 1u);
  EXPECT_EQ(std::set<pid_t>(ran_on.begin() + 5, ran_on.end()).size(), 1u);
  EXPECT_NE(ran_on[0], ran_on[5]);
}

TEST(RequestThreads, WhatAJobThrowsReachesTheCallerAndTheThreadServesOn) {
  RequestThreads threads(1, 10);
  pid_t before = 0, after = 0;
  threads.run([&] { before = gettid(); });
  EXPECT_THROW(threads.run([] { throw std::runtime_error("dial failed"); }), std::runtime_error);
  threads.run([&] { after = gettid(); });
  EXPECT_EQ(before, after);
}

TEST(RequestThreads, TheCallerSeesWhatTheJobWrote) {
  RequestThreads threads(2, 5);
  int sum = 0;
  for (int i = 1; i <= 100; ++i) threads.run([&] { sum += i; });
  EXPECT_EQ(sum, 5050);
}

}  // namespace
}  // namespace h2race
