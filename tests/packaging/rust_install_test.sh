#!/bin/bash
# Installs the build tree into a fresh prefix and builds a Rust program
# against it the way a user outside this tree does: dl-sys finds libdl
# through pkg-config (no DL_LIB_DIR), the program runs from its run-time
# path. Usage: rust_install_test.sh BUILD_DIR CARGO WORK_DIR
set -euo pipefail
build=$1 cargo=$2 work=$3
src=$(cd "$(dirname "$0")/rust_consumer" && pwd)
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
libdir=$(ls -d "$work"/prefix/lib*/ | head -n 1)
unset DL_LIB_DIR
export PKG_CONFIG_PATH="$libdir/pkgconfig" CARGO_TARGET_DIR="$work/target" PATH="$(dirname "$cargo"):$PATH"
"$cargo" build --offline --locked --quiet --manifest-path "$src/Cargo.toml"
out=$("$work/target/debug/rust_consumer")
echo "$out"
[ "$out" = "libdl 0.1.0: [19.0, 22.0, 43.0, 50.0]" ]
readelf -d "$work/target/debug/rust_consumer" | grep -q "R.*PATH.*$work/prefix"
echo "Rust install test: dl-sys found the installed libdl through pkg-config"
