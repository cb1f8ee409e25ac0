#!/bin/bash
# Installs the build tree into a fresh prefix, then builds and runs a small C
# program against the installed tree twice: with pkg-config and with CMake's
# find_package(dl). Usage: install_test.sh BUILD_DIR SOURCE_DIR WORK_DIR
set -euo pipefail
build=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
libdir=$(ls -d "$prefix"/lib*/ | head -n 1)

# pkg-config: -L puts our libdl ahead of glibc's old libdl; the rpath finds it at run time.
export PKG_CONFIG_PATH="$libdir/pkgconfig"
pkg-config --exists dl
cc -std=c99 -Wall -Werror -o "$work/consumer_pc" "$src/consumer.c" $(pkg-config --cflags --libs dl)
"$work/consumer_pc"

# CMake package.
cmake -S "$src" -B "$work/cmake_build" -DCMAKE_PREFIX_PATH="$prefix" > "$work/cmake.log"
cmake --build "$work/cmake_build" > "$work/cmake_build.log"
LD_LIBRARY_PATH="$libdir" "$work/cmake_build/consumer"
echo "install test: pkg-config and find_package(dl) consumers built and ran"
