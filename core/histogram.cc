#include "core/histogram.h"

#include <algorithm>
#include <cmath>

#include "core/printable.h"

namespace h2race {

void Histogram::add(const Outcome& outcome, std::string_view truth) {
  ++iterations_;
  if (outcome.cls == truth) ++matched_;
  auto it = classes_.find(outcome.cls);
  // The example may be a program's words: stored printable (UTF-8, no control characters,
  // bounded), whatever table, JSON, Markdown or SVG shows it.
  if (it == classes_.end()) {
    it = classes_.emplace(outcome.cls, Entry{0, printable(outcome.raw, kMaxExampleBytes)}).first;
  }
  ++it->second.count;
  ++truth_[std::string(truth)];
  ++pairs_[{std::string(truth), outcome.cls}];
  if (outcome.redials > 0) add_redials({1, outcome.redials});
  if (outcome.grace.count() > 0) {
    const auto us = static_cast<uint64_t>(outcome.grace.count());
    add_grace({1, us, us});
  }
}

void Histogram::add_redials(const Redials& r) {
  redials_.iterations += r.iterations;
  redials_.connections += r.connections;
}

void Histogram::add_grace(const Grace& g) {
  grace_.iterations += g.iterations;
  grace_.total_us += g.total_us;
  grace_.max_us = std::max(grace_.max_us, g.max_us);
}

void Histogram::add_pair(const std::string& truth, const std::string& cls, uint64_t count,
                         const std::string& example) {
  iterations_ += count;
  if (cls == truth) matched_ += count;
  auto& e = classes_[cls];
  if (e.example.empty()) e.example = printable(example, kMaxExampleBytes);
  e.count += count;
  truth_[truth] += count;
  pairs_[{truth, cls}] += count;
}

void Histogram::merge(const Histogram& other) {
  iterations_ += other.iterations_;
  matched_ += other.matched_;
  for (const auto& [cls, e] : other.classes_) {
    auto& mine = classes_[cls];
    if (mine.example.empty()) mine.example = e.example;
    mine.count += e.count;
  }
  for (const auto& [t, c] : other.truth_) truth_[t] += c;
  for (const auto& [p, c] : other.pairs_) pairs_[p] += c;
  add_grace(other.grace_);
  add_redials(other.redials_);
}

double Histogram::fidelity() const {
  return iterations_ == 0 ? 0.0 : static_cast<double>(matched_) / static_cast<double>(iterations_);
}

std::vector<std::string> Histogram::class_order() const {
  std::vector<std::string> order;
  for (const ClassCount& c : classes()) order.push_back(c.cls);
  return order;
}

std::vector<ClassCount> Histogram::classes() const {
  std::vector<ClassCount> out;
  for (const auto& [cls, e] : classes_) out.push_back({cls, e.count, e.example});
  std::sort(out.begin(), out.end(), [](const ClassCount& a, const ClassCount& b) {
    return a.count != b.count ? a.count > b.count : a.cls < b.cls;
  });
  return out;
}

uint64_t Histogram::count(std::string_view cls) const {
  auto it = classes_.find(cls);
  return it == classes_.end() ? 0 : it->second.count;
}

double total_variation(const Histogram& a, const Histogram& b) {
  if (a.iterations() == 0 || b.iterations() == 0) return 0;
  std::map<std::string, std::pair<double, double>> shares;
  for (const auto& c : a.classes()) shares[c.cls].first = double(c.count) / a.iterations();
  for (const auto& c : b.classes()) shares[c.cls].second = double(c.count) / b.iterations();
  double sum = 0;
  for (const auto& [cls, s] : shares) sum += std::abs(s.first - s.second);
  return sum / 2;
}

}  // namespace h2race
