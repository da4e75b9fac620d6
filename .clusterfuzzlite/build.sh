#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz entry point: the project's own build script, which follows the
# contract ($CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE $OUT $SRC $WORK). It drops
# -stdlib=libc++ from $CXXFLAGS: the targets link Debian's libstdc++-built C++ libraries.
"$SRC/h2race/fuzz/build.sh"
