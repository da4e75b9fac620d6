// A futex on an int: the one way h2race's threads sleep until another thread changes a word (the
// go models' threads, as Go's idle threads sleep on one [futexsleep, futexwakeup], and the probe
// of an idle core's wake-up, core/wake_latency.h).
#pragma once

#include <atomic>

namespace h2race {

// Sleeps while word holds `value` (or returns at once); a spurious return is possible, so callers
// re-check the word.
void futex_wait(std::atomic<int>& word, int value);
// Wakes every thread sleeping on word.
void futex_wake(std::atomic<int>& word);

}  // namespace h2race
