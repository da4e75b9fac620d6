// Hand-made lines of `perf script -F comm,pid,tid,cpu,time,event,trace` text, for the tests of the
// scripts that read such recordings (back-off-wakes, go-window-cores, flight-race): an event of a
// thread on a CPU, and the fields of the events those scripts read.
#pragma once

#include <string>

namespace h2race {

// One event of thread pid/tid (named comm) on cpu at time (seconds, as perf prints them).
inline std::string perf_line(const std::string& comm, int pid, int tid, int cpu,
                             const std::string& time, const std::string& what) {
  return " " + comm + "   " + std::to_string(pid) + "/" + std::to_string(tid) + " [00" +
         std::to_string(cpu) + "] " + time + ": " + what + "\n";
}

// The switch from prev (its state: R runnable, S asleep) to next.
inline std::string switch_fields(const std::string& prev, int prev_tid, char state,
                                 const std::string& next, int next_tid) {
  return "sched:sched_switch: prev_comm=" + prev + " prev_pid=" + std::to_string(prev_tid) +
         " prev_prio=120 prev_state=" + state + " ==> next_comm=" + next +
         " next_pid=" + std::to_string(next_tid) + " next_prio=120";
}

// The wake-up of thread woken_tid (named woken) onto target_cpu.
inline std::string wakeup_fields(const std::string& woken, int woken_tid, int target_cpu) {
  return "sched:sched_wakeup: comm=" + woken + " pid=" + std::to_string(woken_tid) +
         " prio=120 target_cpu=00" + std::to_string(target_cpu);
}

}  // namespace h2race
