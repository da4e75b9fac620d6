// Go's Ms for the go models: a client worker's few long-lived threads, parked between jobs, on
// which both the request's goroutines and the second processor's looking run, as Go runs every
// goroutine and every spinning P on one of its few long-lived threads (its Ms). A request runs on
// a parked M drawn at random; each wakep() hands the second processor's look to the M that parked
// last, as Go's startm takes the head of its idle list [mget], so the thread that steals, and the
// core it sits on, change within a request as the Ms park and wake (docs/go-model.md, "Go's Ms
// per wakep").
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace h2race {

class GoMs {
 public:
  // threads >= 2; seed: the draws' (a worker seeds from std::random_device).
  GoMs(size_t threads, uint64_t seed);
  ~GoMs();  // after the jobs in hand
  GoMs(const GoMs&) = delete;
  GoMs& operator=(const GoMs&) = delete;
  // Runs job on a parked M drawn at random and returns when it has; rethrows what it threw. One
  // caller at a time.
  void run(const std::function<void()>& job);
  // Hands job to the M that parked last and returns; with none parked, the next M to park runs
  // it. job must not throw.
  void hand(std::function<void()> job);
  size_t size() const { return ms_.size(); }

 private:
  struct M {
    std::atomic<int> word{0};  // 1: a job was handed; the M sleeps on it while 0
    std::function<void()> job;
    bool run_job = false;  // job is run()'s: its end is told to the caller
    std::thread thread;
  };
  void serve(M& m);
  void give_locked(M& m, std::function<void()> job, bool run_job);
  std::mutex mu_;
  std::condition_variable cv_;  // run()'s job has ended, or an M parked
  bool done_ = false;           // run()'s job has ended
  std::exception_ptr error_;
  std::vector<M*> parked_;                     // the last to park at the back
  std::deque<std::function<void()>> pending_;  // handed while none was parked, in order
  bool quit_ = false;
  std::mt19937_64 draw_;
  std::vector<std::unique_ptr<M>> ms_;
};

// Three: Go 1.26.8's client ran each process's flights on three or four threads (perf,
// 2026-12-06); a request and a look need two.
inline constexpr size_t kGoMsPerWorker = 3;

}  // namespace h2race
