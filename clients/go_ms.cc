#include "clients/go_ms.h"

#include <pthread.h>

#include <utility>

#include "core/futex.h"

namespace h2race {

GoMs::GoMs(size_t threads, uint64_t seed) : draw_(seed) {
  for (size_t i = 0; i < threads; ++i) ms_.push_back(std::make_unique<M>());
  std::lock_guard lock(mu_);
  for (auto& m : ms_) {
    parked_.push_back(m.get());
    m->thread = std::thread([this, m = m.get()] { serve(*m); });
  }
}

GoMs::~GoMs() {
  {
    std::lock_guard lock(mu_);
    quit_ = true;
  }
  for (auto& m : ms_) {
    m->word.store(1);
    futex_wake(m->word);
  }
  for (auto& m : ms_) m->thread.join();
}

void GoMs::give_locked(M& m, std::function<void()> job, bool run_job) {
  m.job = std::move(job);
  m.run_job = run_job;
  m.word.store(1);
  futex_wake(m.word);
}

void GoMs::run(const std::function<void()>& job) {
  std::unique_lock lock(mu_);
  // Looks can outlast the request that woke them (two at most, one ending as the next starts).
  cv_.wait(lock, [&] { return !parked_.empty(); });
  const size_t i = std::uniform_int_distribution<size_t>(0, parked_.size() - 1)(draw_);
  M* m = parked_[i];
  parked_.erase(parked_.begin() + static_cast<std::ptrdiff_t>(i));
  done_ = false;
  error_ = nullptr;
  give_locked(
      *m, [&job] { job(); }, true);
  cv_.wait(lock, [&] { return done_; });
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void GoMs::hand(std::function<void()> job) {
  std::lock_guard lock(mu_);
  if (parked_.empty()) {
    pending_.push_back(std::move(job));
    return;
  }
  M* m = parked_.back();
  parked_.pop_back();
  give_locked(*m, std::move(job), false);
}

void GoMs::serve(M& m) {
  pthread_setname_np(pthread_self(), "h2race-m");  // Go's M; for top -H, perf, gdb
  for (;;) {
    while (m.word.load() == 0) futex_wait(m.word, 0);
    std::function<void()> job;
    bool run_job = false;
    {
      std::lock_guard lock(mu_);
      if (quit_ && !m.job) return;
      job = std::move(m.job);
      m.job = nullptr;
      run_job = m.run_job;
    }
    std::exception_ptr error;
    try {
      job();
    } catch (...) {
      error = std::current_exception();
    }
    // Parks before run()'s caller hears of the end, so that the next draw sees it parked.
    std::lock_guard lock(mu_);
    if (run_job) {
      error_ = error;
      done_ = true;
      cv_.notify_all();
    } else if (error) {
      std::rethrow_exception(error);  // hand()'s jobs do not throw: terminates
    }
    if (quit_) return;
    if (!pending_.empty()) {
      m.job = std::move(pending_.front());
      m.run_job = false;
      pending_.pop_front();
    } else {
      m.word.store(0);
      parked_.push_back(&m);
      cv_.notify_all();
    }
  }
}

}  // namespace h2race
