// Where the go models run a request's goroutines: a long-lived thread per client worker, replaced
// by a new one after a few requests. Go runs a request's goroutines on the thread that holds the
// dialing processor, one of its few long-lived threads. A new thread per request (2026-12-03 to
// 12-05) took the core the kernel gives a new thread, beside the other worker's under a load (its
// writer switched out between flight and preface 3.9 times per request loaded, 0.8 idle); one
// fixed thread per worker (until 2026-12-03) kept its core for seconds and moved the mix in
// regimes of a thousand requests. Two threads per worker in turn met every TVD goal but put the
// default server's h2:no_connection four points under Go's (docs/go-model.md, "Threads that serve
// a few requests").
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace h2race {

// One thread that runs posted jobs, one at a time, until it is destroyed.
class RequestThread {
 public:
  RequestThread();
  ~RequestThread();  // after the job in hand, if any
  RequestThread(const RequestThread&) = delete;
  RequestThread& operator=(const RequestThread&) = delete;
  // Runs job on this thread and returns when it has; rethrows what it threw.
  void run(const std::function<void()>& job);
  int served() const { return served_; }  // jobs run so far (the caller's count)

 private:
  void serve();
  std::mutex mu_;
  std::condition_variable cv_;
  const std::function<void()>* job_ = nullptr;  // posted, not yet done
  std::exception_ptr error_;
  bool quit_ = false;
  int served_ = 0;
  std::thread thread_;  // last: starts once the members above exist
};

// A worker's request threads: `threads` of them in turn, each replaced by a new one once it has
// run `requests_per_thread` jobs.
class RequestThreads {
 public:
  RequestThreads(size_t threads, int requests_per_thread);
  // Runs job on the next thread and waits for it; rethrows what it threw.
  void run(const std::function<void()>& job);

 private:
  std::vector<std::unique_ptr<RequestThread>> threads_;
  int requests_per_thread_;
  size_t next_ = 0;
};

// One thread per worker serves five requests, then a new one takes its place (docs/go-model.md,
// "Threads that serve a few requests").
inline constexpr size_t kRequestThreadsPerWorker = 1;
inline constexpr int kRequestsPerThread = 5;
// The calling client worker's request threads (made at its first request, joined when it ends).
RequestThreads& request_threads();

}  // namespace h2race
