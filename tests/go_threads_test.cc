// The go models run each request on one of their worker's few long-lived threads and the worker's
// second processor on another, both drawn at random (clients/go_threads.h). A job and the one
// beside it never share a thread nor run on the caller's; the same threads serve request after
// request; the one beside runs while the job runs and until it is stopped; what either throws
// reaches the caller. Which thread ran a job is told by its kernel thread ID (not reused until the
// IDs wrap, as std::thread::id may be once a thread is joined); no timing is asserted.
#include "clients/go_threads.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace h2race {
namespace {

// Runs `requests` pairs; returns, per request, the job's thread and the one beside it. The one
// beside waits until it is stopped, so both run at once.
std::vector<std::pair<pid_t, pid_t>> run_pairs(GoThreads& threads, int requests) {
  std::vector<std::pair<pid_t, pid_t>> ran_on;
  for (int i = 0; i < requests; ++i) {
    pid_t job = 0;
    std::atomic<pid_t> beside{0};
    std::atomic<bool> stop{false};
    threads.run([&] { job = gettid(); },
                [&] {
                  beside = gettid();
                  while (!stop) std::this_thread::yield();
                },
                [&] { stop = true; });
    ran_on.emplace_back(job, beside.load());
  }
  return ran_on;
}

TEST(GoThreads, AJobAndTheOneBesideItRunOnTwoOfTheSameFewThreads) {
  GoThreads threads(3, 7);
  const auto ran_on = run_pairs(threads, 300);
  std::set<pid_t> all;
  std::map<pid_t, int> jobs;
  for (size_t i = 0; i < ran_on.size(); ++i) {
    const auto [job, beside] = ran_on[i];
    EXPECT_NE(job, beside) << "request " << i;
    EXPECT_NE(job, gettid()) << "request " << i;
    EXPECT_NE(beside, gettid()) << "request " << i;
    all.insert(job);
    all.insert(beside);
    ++jobs[job];
  }
  // Three threads, long-lived: no fourth ever appears.
  EXPECT_EQ(all.size(), 3u);
  // Drawn at random, each thread runs jobs. A thread that ran none of 300 fair draws of one in
  // three has probability 3 * (2/3)^300, about 1e-52.
  EXPECT_EQ(jobs.size(), 3u);
}

TEST(GoThreads, TheOneBesideRunsUntilStoppedAfterTheJob) {
  GoThreads threads(2, 1);
  std::atomic<bool> beside_started{false}, stopped{false};
  bool job_saw_beside = false, beside_saw_stop = false;
  threads.run(
      [&] {
        // Both run at once: the job sees the one beside start. The bound only keeps a broken
        // build from hanging the suite.
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (!beside_started && std::chrono::steady_clock::now() < give_up) {
          std::this_thread::yield();
        }
        job_saw_beside = beside_started;
      },
      [&] {
        beside_started = true;
        while (!stopped) std::this_thread::yield();
        beside_saw_stop = true;
      },
      [&] { stopped = true; });
  // run() returned: the one beside has ended, after the stop.
  EXPECT_TRUE(job_saw_beside);
  EXPECT_TRUE(beside_saw_stop);
}

TEST(GoThreads, WhatEitherThrowsReachesTheCallerAndTheThreadsServeOn) {
  GoThreads threads(2, 3);
  const auto nothing = [] {};
  EXPECT_THROW(threads.run([] { throw std::runtime_error("dial failed"); }, nothing, nothing),
               std::runtime_error);
  EXPECT_THROW(threads.run(
                   nothing, [] { throw std::logic_error("steal failed"); }, nothing),
               std::logic_error);
  // Both throw: the job's is what the caller sees.
  EXPECT_THROW(threads.run([] { throw std::runtime_error("job"); },
                           [] { throw std::logic_error("beside"); }, nothing),
               std::runtime_error);
  const auto ran_on = run_pairs(threads, 20);
  std::set<pid_t> all;
  for (const auto& [job, beside] : ran_on) all.insert({job, beside});
  EXPECT_EQ(all.size(), 2u);
}

TEST(GoThreads, TheCallerSeesWhatTheJobWrote) {
  GoThreads threads(3, 5);
  int sum = 0;
  const auto nothing = [] {};
  for (int i = 1; i <= 100; ++i) threads.run([&] { sum += i; }, nothing, nothing);
  EXPECT_EQ(sum, 5050);
}

// The model's own: each client worker (a thread) has its own kGoThreadsPerWorker, made at its
// first request.
TEST(GoThreads, EachWorkerHasItsOwnThreads) {
  ASSERT_EQ(kGoThreadsPerWorker, 3u);
  std::vector<std::pair<pid_t, pid_t>> first, second;
  std::thread a([&] { first = run_pairs(go_threads(), 50); });
  a.join();
  std::thread b([&] { second = run_pairs(go_threads(), 50); });
  b.join();
  std::set<pid_t> of_a, of_b;
  for (const auto& [job, beside] : first) of_a.insert({job, beside});
  for (const auto& [job, beside] : second) of_b.insert({job, beside});
  EXPECT_EQ(of_a.size(), 3u);
  EXPECT_EQ(of_b.size(), 3u);
  for (pid_t t : of_b) EXPECT_FALSE(of_a.contains(t)) << t;
}

}  // namespace
}  // namespace h2race
