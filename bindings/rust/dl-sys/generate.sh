#!/bin/sh
# The raw bindings of the C header, src/bindings.rs, made by the bindgen
# command line tool (Debian's bindgen package, 0.60, which loads libclang).
#   generate.sh          rewrites src/bindings.rs: run it after changing
#                        capi/include/dl/*.h and commit the result
#   generate.sh --check  fails (exit 1) when src/bindings.rs is not what the
#                        header gives now (the test rust_dl_sys_bindings_current);
#                        it compares tokens (no whitespace, no trailing
#                        commas), so rustfmt's layout does not matter
set -eu
here=$(cd "$(dirname "$0")" && pwd)
include="$here/../../../capi/include"
committed="$here/src/bindings.rs"

# Every dl_ function and type and the DL_ macros; C enums become newtypes
# with associated constants (dl_status::DL_OK); size_t is usize.
run_bindgen() {
  bindgen "$include/dl/dl.h" \
    --allowlist-function 'dl_.*' --allowlist-type 'dl_.*' --allowlist-var 'DL_.*' \
    --newtype-enum 'dl_.*' --size_t-is-usize --no-prepend-enum-name "$@" -- -I"$include"
}

if [ "${1:-}" != "--check" ]; then
  cd "$here"  # bindgen's rustfmt then reads the repository's rustfmt.toml
  run_bindgen -o "$committed"
  echo "wrote $committed"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run_bindgen --no-rustfmt-bindings -o "$tmp/fresh.rs"
tokens() { tr -d ' \n\t' < "$1" | sed 's/,\([])}>]\)/\1/g'; }
tokens "$tmp/fresh.rs" > "$tmp/fresh.tokens"
tokens "$committed" > "$tmp/committed.tokens"
if ! cmp -s "$tmp/fresh.tokens" "$tmp/committed.tokens"; then
  echo "bindings/rust/dl-sys/src/bindings.rs is out of date with capi/include/dl/*.h"
  echo "(or was made by a bindgen other than $(bindgen --version)):"
  echo "run bindings/rust/dl-sys/generate.sh and commit src/bindings.rs"
  exit 1
fi
echo "bindings.rs is current with the C header ($(bindgen --version))"
