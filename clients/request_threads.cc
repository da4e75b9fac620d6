#include "clients/request_threads.h"

#include <pthread.h>

#include <utility>

namespace h2race {

RequestThread::RequestThread() : thread_([this] { serve(); }) {}

RequestThread::~RequestThread() {
  {
    std::lock_guard lock(mu_);
    quit_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void RequestThread::run(const std::function<void()>& job) {
  std::unique_lock lock(mu_);
  job_ = &job;
  error_ = nullptr;
  ++served_;
  cv_.notify_one();
  cv_.wait(lock, [&] { return job_ == nullptr; });
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void RequestThread::serve() {
  pthread_setname_np(pthread_self(), "h2race-request");  // for top -H, perf sched, gdb
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return quit_ || job_ != nullptr; });
    if (job_ == nullptr) return;
    lock.unlock();
    std::exception_ptr error;
    try {
      (*job_)();
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    error_ = error;
    job_ = nullptr;
    cv_.notify_one();
  }
}

RequestThreads::RequestThreads(size_t threads, int requests_per_thread)
    : threads_(threads), requests_per_thread_(requests_per_thread) {}

void RequestThreads::run(const std::function<void()>& job) {
  std::unique_ptr<RequestThread>& thread = threads_[next_];
  next_ = (next_ + 1) % threads_.size();
  // Replaced outside the request: the old thread is joined and the new one made before the job.
  if (!thread || thread->served() >= requests_per_thread_) {
    thread.reset();
    thread = std::make_unique<RequestThread>();
  }
  thread->run(job);
}

RequestThreads& request_threads() {
  thread_local RequestThreads threads(kRequestThreadsPerWorker, kRequestsPerThread);
  return threads;
}

}  // namespace h2race
