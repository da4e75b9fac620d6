#!/usr/bin/env bash
# Builds the libFuzzer targets, following the OSS-Fuzz / ClusterFuzzLite convention: honours
# $CXX, $CXXFLAGS, $LIB_FUZZING_ENGINE and $OUT, so it runs unchanged on that infrastructure.
# Locally it defaults to clang++-14 with libFuzzer, into build-fuzz/out.
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
: "${CXX:=clang++-14}"
: "${CC:=clang-14}"
: "${CXXFLAGS:=-O1 -g -fsanitize=fuzzer-no-link}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:=$SRC/build-fuzz/out}"
BUILD="${H2RACE_FUZZ_BUILD_DIR:-$SRC/build-fuzz}"
mkdir -p "$OUT"
cmake -S "$SRC" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DH2RACE_FUZZ=ON -DH2RACE_TESTS=OFF -DH2RACE_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" >/dev/null
TARGETS=(schedule_fuzzer schedule_parser_fuzzer histogram_json_fuzzer cli_args_fuzzer
  external_rules_fuzzer client_definition_fuzzer)
cmake --build "$BUILD" --target "${TARGETS[@]}"
for t in "${TARGETS[@]}"; do cp "$BUILD/fuzz/$t" "$OUT/"; done
# Seed corpora, named the OSS-Fuzz way (<target>_seed_corpus/).
mkdir -p "$OUT"/{schedule_fuzzer,schedule_parser_fuzzer,histogram_json_fuzzer,cli_args_fuzzer}_seed_corpus
mkdir -p "$OUT"/{external_rules_fuzzer,client_definition_fuzzer}_seed_corpus
cp "$SRC"/fuzz/seeds/schedule/* "$OUT/schedule_fuzzer_seed_corpus/"
cp "$SRC"/fuzz/reproducers/*.sched "$OUT/schedule_parser_fuzzer_seed_corpus/"
cp "$SRC"/fuzz/seeds/histogram_json/* "$OUT/histogram_json_fuzzer_seed_corpus/"
cp "$SRC"/fuzz/seeds/cli_args/* "$OUT/cli_args_fuzzer_seed_corpus/"
cp "$SRC"/fuzz/seeds/external_rules/* "$OUT/external_rules_fuzzer_seed_corpus/"
# The built-in definitions are the client_definition_fuzzer's best seeds, with a few broken ones.
cp "$SRC"/clients/external/*.client "$SRC"/fuzz/seeds/client_definition/* \
  "$OUT/client_definition_fuzzer_seed_corpus/"
