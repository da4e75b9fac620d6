#!/usr/bin/env bash
# Builds the libFuzzer targets under the OSS-Fuzz / ClusterFuzzLite build contract:
#   $CC $CXX $CFLAGS $CXXFLAGS  compilers and flags (the sanitizer and coverage flags included),
#   $LIB_FUZZING_ENGINE         link flag of the engine (-fsanitize=fuzzer for libFuzzer),
#   $OUT                        the targets, <target>_seed_corpus.zip and <target>.options,
#   $WORK                       scratch (the CMake build dir),
#   $SRC                        where the checkouts live; the source tree is the one this script
#                               is in (OSS-Fuzz and .clusterfuzzlite/build.sh run it from
#                               $SRC/h2race).
# Nothing is written outside $OUT and $WORK. Locally (scripts/fuzz) the defaults are clang-14,
# ASan+UBSan, OUT=build-fuzz/out, WORK=build-fuzz.
set -euo pipefail
PROJECT="$(cd "$(dirname "$0")/.." && pwd)"
: "${SRC:=$(dirname "$PROJECT")}"
: "${CC:=clang-14}"
: "${CXX:=clang++-14}"
: "${CFLAGS:=-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link}"
: "${CXXFLAGS:=$CFLAGS}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${WORK:=$PROJECT/build-fuzz}"
: "${OUT:=$WORK/out}"
# OSS-Fuzz's builder adds -stdlib=libc++; the tree links Debian's C++ libraries (libfmt), which
# are built against libstdc++, so the targets are too.
CXXFLAGS="${CXXFLAGS//-stdlib=libc++/}"
export SRC CC CXX CFLAGS CXXFLAGS LIB_FUZZING_ENGINE WORK OUT
BUILD="$WORK/build"
mkdir -p "$OUT" "$BUILD"
# Every configure (re)states the flags, so a $WORK built with other sanitizers is rebuilt.
# The tree is C++ only: $CC and $CFLAGS are passed for the contract's sake, and may go unused.
cmake --no-warn-unused-cli -S "$PROJECT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DH2RACE_FUZZ=ON -DH2RACE_TESTS=OFF -DH2RACE_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" >/dev/null
TARGETS=(schedule_fuzzer schedule_parser_fuzzer histogram_json_fuzzer cli_args_fuzzer
  external_rules_fuzzer client_definition_fuzzer server_definition_fuzzer)
cmake --build "$BUILD" --target "${TARGETS[@]}"

# Seed corpora as OSS-Fuzz wants them: $OUT/<target>_seed_corpus.zip, flat.
seeds() {
  case "$1" in
    schedule_fuzzer) echo "$PROJECT"/fuzz/seeds/schedule/* ;;
    schedule_parser_fuzzer) echo "$PROJECT"/fuzz/reproducers/*.sched ;;
    histogram_json_fuzzer) echo "$PROJECT"/fuzz/seeds/histogram_json/* ;;
    cli_args_fuzzer) echo "$PROJECT"/fuzz/seeds/cli_args/* ;;
    external_rules_fuzzer) echo "$PROJECT"/fuzz/seeds/external_rules/* ;;
    # The built-in definitions are its best seeds, with a few broken ones.
    client_definition_fuzzer)
      echo "$PROJECT"/clients/external/*.client "$PROJECT"/fuzz/seeds/client_definition/* ;;
    server_definition_fuzzer)
      echo "$PROJECT"/servers/external/*.server "$PROJECT"/fuzz/seeds/server_definition/* ;;
  esac
}
for t in "${TARGETS[@]}"; do
  # Copied, then renamed into place: a fuzzer still running from $OUT keeps its old file.
  cp "$BUILD/fuzz/$t" "$OUT/.$t.new" && mv -f "$OUT/.$t.new" "$OUT/$t"
  rm -f "$OUT/${t}_seed_corpus.zip"
  # shellcheck disable=SC2046  # file names without spaces, one word each
  zip -q -j "$OUT/${t}_seed_corpus.zip" $(seeds "$t")
  [[ -f "$PROJECT/fuzz/$t.options" ]] && cp "$PROJECT/fuzz/$t.options" "$OUT/"
done
echo "fuzz/build.sh: ${#TARGETS[@]} targets and their seed corpora in $OUT"
