#include "clients/go_threads.h"

#include <pthread.h>

#include <utility>

namespace h2race {

GoThread::GoThread() : thread_([this] { serve(); }) {}

GoThread::~GoThread() {
  {
    std::lock_guard lock(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void GoThread::start(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    job_ = std::move(job);
    error_ = nullptr;
    posted_ = true;
  }
  cv_.notify_all();
}

void GoThread::finish() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !posted_; });
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void GoThread::serve() {
  pthread_setname_np(pthread_self(), "h2race-m");  // Go's M; for top -H, perf, gdb
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return quit_ || posted_; });
    if (!posted_) return;
    lock.unlock();
    std::exception_ptr error;
    try {
      job_();
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    job_ = nullptr;
    error_ = error;
    posted_ = false;
    cv_.notify_all();
  }
}

GoThreads::GoThreads(size_t threads, uint64_t seed) : draw_(seed) {
  for (size_t i = 0; i < threads; ++i) threads_.push_back(std::make_unique<GoThread>());
}

void GoThreads::run(const std::function<void()>& job, const std::function<void()>& beside,
                    const std::function<void()>& stop) {
  const size_t n = threads_.size();
  const size_t on = std::uniform_int_distribution<size_t>(0, n - 1)(draw_);
  size_t by = std::uniform_int_distribution<size_t>(0, n - 2)(draw_);
  if (by >= on) ++by;
  threads_[by]->start(beside);
  std::exception_ptr error;
  try {
    threads_[on]->run(job);
  } catch (...) {
    error = std::current_exception();
  }
  stop();
  try {
    threads_[by]->finish();
  } catch (...) {
    if (!error) error = std::current_exception();
  }
  if (error) std::rethrow_exception(error);
}

GoThreads& go_threads() {
  thread_local GoThreads threads(kGoThreadsPerWorker, std::random_device{}());
  return threads;
}

}  // namespace h2race
