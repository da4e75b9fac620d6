// Histogram: iterations counted per class, with one example of the raw text per class, the
// server's truth per iteration, and from those the fidelity and the divergence verdict.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/outcome.h"

namespace h2race {

struct ClassCount {
  std::string cls;
  uint64_t count = 0;
  std::string example;
};

class Histogram {
 public:
  // truth is the server's account of the same connection in the class vocabulary.
  void add(const Outcome& outcome, std::string_view truth);
  void merge(const Histogram& other);

  uint64_t iterations() const { return iterations_; }
  uint64_t matched() const { return matched_; }
  double fidelity() const;
  bool divergent() const { return classes_.size() > 1; }
  // Most frequent first; ties by name so output is stable.
  std::vector<ClassCount> classes() const;
  // The class names in the table's order (classes()'s).
  std::vector<std::string> class_order() const;
  uint64_t count(std::string_view cls) const;
  const std::map<std::string, uint64_t>& truth() const { return truth_; }
  // (truth, class) -> count
  const std::map<std::pair<std::string, std::string>, uint64_t>& pairs() const { return pairs_; }

  // Iterations where the client waited for an alert after a transport error (prefer-alert):
  // how many, and the extra latency that cost.
  struct Grace {
    uint64_t iterations = 0;
    uint64_t total_us = 0;
    uint64_t max_us = 0;
  };
  const Grace& grace() const { return grace_; }
  void add_grace(const Grace& g);

  // Iterations whose client dialled more than one connection (the `go1.19` model's redials),
  // and how many connections it dropped in all.
  struct Redials {
    uint64_t iterations = 0;
    uint64_t connections = 0;
  };
  const Redials& redials() const { return redials_; }
  void add_redials(const Redials& r);

  // Used by the JSON loader: adds count iterations of cls under truth with an example.
  void add_pair(const std::string& truth, const std::string& cls, uint64_t count,
                const std::string& example);

 private:
  struct Entry {
    uint64_t count = 0;
    std::string example;
  };
  uint64_t iterations_ = 0;
  uint64_t matched_ = 0;
  std::map<std::string, Entry, std::less<>> classes_;
  std::map<std::string, uint64_t> truth_;
  std::map<std::pair<std::string, std::string>, uint64_t> pairs_;
  Grace grace_;
  Redials redials_;
};

// Total variation distance between two histograms' class distributions: half the sum of the
// absolute differences of the shares, 0 (same) .. 1 (disjoint). 0 when either is empty.
double total_variation(const Histogram& a, const Histogram& b);

}  // namespace h2race
