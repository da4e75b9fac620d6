// The harness's own per-iteration costs, which must stay negligible next to a handshake:
// classification, histogram merge, and an injection point with no schedule installed.
#include <benchmark/benchmark.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>

#include "core/classes.h"
#include "core/inject.h"
#include "core/outcome.h"
#include "core/run_record.h"

namespace h2race {
namespace {

void BM_Classify(benchmark::State& state) {
  const uint32_t alert = ERR_PACK(ERR_LIB_SSL, SSL_AD_REASON_OFFSET + SSL_AD_CERTIFICATE_REQUIRED);
  int i = 0;
  for (auto _ : state) {
    Outcome o = (++i & 1) ? classify_ssl_failure("read", SSL_ERROR_SSL, 0, alert)
                          : classify_ssl_failure("write", SSL_ERROR_SYSCALL, EPIPE, 0);
    benchmark::DoNotOptimize(o);
  }
}
BENCHMARK(BM_Classify);

void BM_HistogramMerge(benchmark::State& state) {
  const std::string truth(cls::kCertificateRequired);
  Histogram part;
  for (std::string_view c : {cls::kCertificateRequired, cls::kWriteEpipe, cls::kWriteEconnreset,
                             cls::kNoConnection, cls::kReadEof, cls::kTimeout}) {
    part.add({std::string(c), "example", "", 0, -1, {}}, truth);
  }
  for (auto _ : state) {
    Histogram total;
    for (int i = 0; i < 8; ++i) total.merge(part);  // one merge per worker
    benchmark::DoNotOptimize(total.iterations());
  }
  state.SetItemsProcessed(state.iterations() * 8);
}
BENCHMARK(BM_HistogramMerge);

void BM_HistogramAdd(benchmark::State& state) {
  const Outcome o{std::string(cls::kCertificateRequired), "remote error", "read", 0, 116, {}};
  Histogram h;
  for (auto _ : state) h.add(o, o.cls);
  benchmark::DoNotOptimize(h.iterations());
}
BENCHMARK(BM_HistogramAdd);

void BM_InjectionPointNoSchedule(benchmark::State& state) {
  for (auto _ : state) {
    at(Point::kClientBeforePreface);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_InjectionPointNoSchedule);

}  // namespace
}  // namespace h2race
