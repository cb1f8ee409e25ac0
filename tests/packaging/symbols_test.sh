#!/bin/bash
# libdl.so exports only dl_* symbols (plus the version node DL_0) and has
# SONAME libdl.so.0. Usage: symbols_test.sh PATH_TO_LIBDL
set -euo pipefail
lib=$1
others=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v -E '^(dl_|DL_0$)' || true)
if [ -n "$others" ]; then
  echo "symbols other than dl_* are exported:"; echo "$others" | head -20; exit 1
fi
count=$(nm -D --defined-only "$lib" | grep -c ' dl_')
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = "libdl.so.0" ] || { echo "SONAME is '$soname', expected libdl.so.0"; exit 1; }
echo "symbols test: $count dl_* symbols, nothing else; SONAME $soname"
