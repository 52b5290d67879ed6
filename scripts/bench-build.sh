#!/usr/bin/env bash
# Cold build of the root stack against a minimal raw program that imports the
# pulumi-aws service packages the root stack uses, each with an empty build
# cache (modules must be downloaded already). Target: ratio <= 1.1.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
cold() { # name, package
  GOCACHE="$out/cache-$1" /usr/bin/time -f "%e" -o "$out/$1.time" go build -o "$out/$1.bin" "$2"
  cat "$out/$1.time"
}
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3-4), load $(cut -d' ' -f1-3 /proc/loadavg)"
raw=$(cold raw ./tests/bench/rawstack)
root=$(cold root .)
awk -v r="$raw" -v s="$root" 'BEGIN { printf "cold build: root stack %.1fs, raw program %.1fs, ratio %.2fx\n", s, r, s / r }'
rm -rf "$out"
