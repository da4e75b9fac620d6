#include "harness/iterations.h"

#include <pthread.h>

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/environment.h"
#include "core/inject.h"
#include "core/interrupt.h"
#include "harness/packet_capture.h"

namespace h2race {

void ExampleKeeper::offer(const std::string& cls, const ConnKey& key, uint64_t iteration,
                          std::chrono::milliseconds wait, PacketCapture* capture) {
  // A connection whose class has an example already is not waited for (its timeline is taken if
  // done, else left to take_timeline's bounded store), so explaining costs no wait on most
  // iterations.
  bool wanted;
  {
    std::lock_guard lock(mu_);
    wanted = !examples_.count(cls);
  }
  Timeline events = take_timeline(key, wanted ? wait : std::chrono::milliseconds(0));
  std::lock_guard lock(mu_);
  const bool example = !events.empty() && !examples_.count(cls);
  if (capture) example ? capture->keep(key) : capture->drop(key);
  if (!example) return;
  Example ex{to_string(key), iteration, {}, {}};
  for (auto& e : events) {
    if (e.event == kKeylogEvent) {
      ex.keylog.push_back(std::move(e.detail));
    } else {
      ex.events.push_back(std::move(e));
    }
  }
  examples_.emplace(cls, std::move(ex));
}

Examples ExampleKeeper::take() {
  std::lock_guard lock(mu_);
  return std::move(examples_);
}

RunRecord run_iterations(const Scenario& scenario, int jobs, uint64_t batch,
                         const DriverHooks& hooks, const WorkerFactory& make_worker) {
  const auto start = Clock::now();
  std::atomic<uint64_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex merge_mu;
  Histogram total;
  std::exception_ptr failure;

  auto worker = [&](int index) {
    Histogram local;
    uint64_t batch_first = 0;  // the batch being run and how many of it are done (--log)
    uint64_t in_batch = 0;
    const Record record = [&](const Outcome& outcome, std::string_view truth) {
      local.add(outcome, truth);
      if (hooks.log) {
        hooks.log->add(hooks.log_place,
                       {batch_first + in_batch, index, in_batch, outcome.cls, truth,
                        &outcome.steps_us, outcome.window ? &*outcome.window : nullptr});
      }
      ++in_batch;
      if (hooks.on_iteration) hooks.on_iteration(outcome, truth);
      if (hooks.done) hooks.done->fetch_add(1, std::memory_order_relaxed);
    };
    pthread_setname_np(pthread_self(), "h2race-client");  // for top -H, perf sched, gdb
    try {
      const BatchFn run_batch = make_worker(record);
      while (!interrupted() && !stop.load()) {
        const uint64_t first = next.fetch_add(batch);
        if (first >= scenario.iterations) break;
        batch_first = first;
        in_batch = 0;
        run_batch(first, std::min(batch, scenario.iterations - first));
      }
    } catch (...) {
      stop = true;
      std::lock_guard lock(merge_mu);
      if (!failure) failure = std::current_exception();
    }
    std::lock_guard lock(merge_mu);
    total.merge(local);
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, jobs); ++i) threads.emplace_back(worker, i);
  for (auto& th : threads) th.join();
  if (failure) std::rethrow_exception(failure);

  RunRecord run;
  run.scenario = scenario;
  run.histogram = std::move(total);
  run.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  // A signal during the last iterations still cut them short (a schedule's sleep, a wait): the
  // run is partial whenever one arrived, even if every iteration was counted.
  run.partial = run.histogram.iterations() < scenario.iterations || interrupted();
  run.env = environment_json();
  return run;
}

}  // namespace h2race
