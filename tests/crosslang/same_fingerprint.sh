#!/bin/sh
# usage: same_fingerprint.sh COMMAND...
# Runs each COMMAND (one argument each, through sh -c) and checks that all
# print the same "fingerprint ..." lines (NOTE [run fingerprint] in
# examples/c/image_training.h): the same per-epoch losses and final weights,
# bit for bit. Fails when a command fails, prints no fingerprint, or differs
# from the first.
set -u
[ $# -ge 2 ] || { echo "usage: $0 COMMAND COMMAND..." >&2; exit 2; }
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
i=0
for cmd in "$@"; do
  i=$((i + 1))
  if ! sh -c "$cmd" > "$dir/out$i" 2>&1; then
    echo "FAILED: $cmd"; cat "$dir/out$i"; exit 1
  fi
  grep '^fingerprint ' "$dir/out$i" > "$dir/fp$i"
  if [ ! -s "$dir/fp$i" ]; then
    echo "NO FINGERPRINT: $cmd"; cat "$dir/out$i"; exit 1
  fi
  echo "== $cmd"; cat "$dir/fp$i"
  if [ "$i" -gt 1 ] && ! cmp -s "$dir/fp1" "$dir/fp$i"; then
    echo "DIFFERS from the first command:"; diff "$dir/fp1" "$dir/fp$i"; exit 1
  fi
done
echo "all $i runs have the same fingerprint"
