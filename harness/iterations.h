// The worker loop that `run` and `probe` share: `jobs` threads take batches of iterations until
// the scenario's count is done or the user interrupted, each iteration's outcome is recorded
// with its truth, and the workers' histograms are merged into one RunRecord. Who runs a batch
// and where the truth comes from is the caller's part.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>

#include "core/run_record.h"
#include "core/scenario.h"
#include "core/truth_table.h"
#include "harness/iteration_log.h"

namespace h2race {

class PacketCapture;

struct DriverHooks {
  // Incremented after every iteration, for a progress line; may be null.
  std::atomic<uint64_t>* done = nullptr;
  // Called after every iteration with its outcome and truth (from the worker threads).
  std::function<void(const Outcome&, std::string_view truth)> on_iteration;
  // --explain: keep the timeline of the first connection of every class (RunRecord::examples).
  bool explain = false;
  // --pcap (with explain): started on the server's port; told which connections to keep.
  PacketCapture* capture = nullptr;
  // --log: every iteration's line goes here, marked with log_place; may be null.
  IterationLog* log = nullptr;
  LogPlace log_place;
};

// A timeline event that is not shown: a TLS key log line for --pcap (the driver's key log
// callback notes it; ExampleKeeper moves it to Example::keylog).
inline constexpr std::string_view kKeylogEvent = "keylog";

// --explain: the first timeline of every class. `run` (the driver) and `probe` offer it every
// connection; an offer takes the connection's timeline if it is done (or, for a class without an
// example, once it is), and take_timeline's store of the others is bounded.
class ExampleKeeper {
 public:
  // Takes the timeline of the connection `key` (waiting at most `wait` for its peers to end it,
  // when cls has no example yet) and keeps it as cls's example unless cls has one. With a capture,
  // tells it to keep or drop the connection's packets. From any worker thread.
  void offer(const std::string& cls, const ConnKey& key, uint64_t iteration,
             std::chrono::milliseconds wait, PacketCapture* capture = nullptr);
  Examples take();

 private:
  std::mutex mu_;
  Examples examples_;
};

// Records one iteration (from a worker thread; not shared between workers).
using Record = std::function<void(const Outcome& outcome, std::string_view truth)>;
// Runs iterations [first, first + count) and calls record once for each.
using BatchFn = std::function<void(uint64_t first, uint64_t count)>;
// Called once per worker thread with that worker's record; returns its batch function (so what
// a worker needs per iteration is built once, not once per iteration).
using WorkerFactory = std::function<BatchFn(const Record& record)>;

// Stops early (partial = true) when interrupted() turns true; an exception in a worker stops the
// others and is rethrown. Fills scenario, histogram, elapsed_s, partial and env.
RunRecord run_iterations(const Scenario& scenario, int jobs, uint64_t batch,
                         const DriverHooks& hooks, const WorkerFactory& make_worker);

}  // namespace h2race
