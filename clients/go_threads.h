// Where the go models run a request: on a client worker's few long-lived threads, as Go runs its
// goroutines on a few long-lived threads (Go's Ms) that take turns holding its processors. Each
// request draws two of the worker's threads at random: one runs the request's goroutines (dial,
// handshake, preface, HEADERS, the wait) and the other is the worker's second processor for the
// request's life (Processor: it looks, backs off and steals the read loop). Until 2026-12-06 the
// request ran on a new thread every five requests beside one fixed processor thread. The kernel
// weighs a new thread as one that always runs (its load estimate starts at 1024, and a thread
// that lives a few milliseconds keeps it; Go's threads showed 270-850), and under a CPU load the
// server thread that the flight woke on the writer's core then got it back sooner than beside Go:
// the model lost 4-16 points of alerts there to the record-reading server. One fixed thread per
// worker for the request moved the shares in regimes of a thousand requests; two roles drawn
// from three threads move them less (h2:no_connection 3-7 points between 500-request windows,
// Go 2, the thread per five requests 2-3; docs/go-model.md, "Go's Ms").
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace h2race {

// One long-lived thread that runs posted jobs, one at a time, until it is destroyed.
class GoThread {
 public:
  GoThread();
  ~GoThread();  // after the job in hand, if any
  GoThread(const GoThread&) = delete;
  GoThread& operator=(const GoThread&) = delete;
  // Posts job to this thread and returns; finish() waits until it has run and rethrows what it
  // threw. One job at a time: start, finish, start ...
  void start(std::function<void()> job);
  void finish();
  void run(std::function<void()> job) {
    start(std::move(job));
    finish();
  }

 private:
  void serve();
  std::mutex mu_;
  std::condition_variable cv_;
  std::function<void()> job_;
  bool posted_ = false;  // job_ waits to run or runs
  std::exception_ptr error_;
  bool quit_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

// A worker's threads.
class GoThreads {
 public:
  // threads >= 2; seed: the draws' (a worker seeds from std::random_device).
  GoThreads(size_t threads, uint64_t seed);
  // Runs `beside` on one thread and, meanwhile, `job` on another, both drawn at random; once
  // job has returned, calls stop() (which must make beside return) and waits for beside.
  // Rethrows what job threw, else what beside threw.
  void run(const std::function<void()>& job, const std::function<void()>& beside,
           const std::function<void()>& stop);
  size_t size() const { return threads_.size(); }

 private:
  std::vector<std::unique_ptr<GoThread>> threads_;
  std::mt19937_64 draw_;
};

// Three: Go 1.26.8's client ran each process's flights on three or four threads (perf,
// 2026-12-06); two roles need two.
inline constexpr size_t kGoThreadsPerWorker = 3;
// The calling client worker's threads (made at its first request, joined when it ends).
GoThreads& go_threads();

}  // namespace h2race
