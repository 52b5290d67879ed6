#!/usr/bin/env bash
# Runs every Go fuzz target of the repository (func FuzzX(f *testing.F) in
# a _test.go file, found with `go test -list '^Fuzz'`), one target at a
# time, each for FUZZTIME (default 60s; go test's -fuzztime: 30s, 5m, or
# a count of executions such as 10000x).
#
#   scripts/fuzz.sh                                 every target, 60 s each
#   FUZZTIME=10s scripts/fuzz.sh                    every target, 10 s each
#   scripts/fuzz.sh internal/iampolicy cmd        targets under these directories
#   scripts/fuzz.sh -l                              list the targets only
#
# FUZZPARALLEL sets the number of fuzzing workers (go test -parallel;
# default GOMAXPROCS). A failing input is written by go test to the
# package's testdata/fuzz/<Target>/ (commit it as a regression seed once
# the code is fixed); the script goes on with the other targets, prints a
# table of targets, executions and results, and exits 1 if any failed.
# CI does not run this: `go test ./...` already runs every seed corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

fuzztime="${FUZZTIME:-60s}"
list_only=false
if [ "${1:-}" = "-l" ]; then
  list_only=true
  shift
fi

# Directories holding a test file that declares a fuzz target (tracked or
# new, not ignored), under the arguments (default: everywhere).
dirs=$(git ls-files --cached --others --exclude-standard -- "${@:-.}" 2>/dev/null | grep '_test\.go$' |
  while read -r f; do grep -l '^func Fuzz' "$f" 2>/dev/null || true; done |
  xargs -r -n1 dirname | sort -u)
if [ -z "$dirs" ]; then
  echo "fuzz.sh: no fuzz targets under ${*:-.}" >&2
  exit 1
fi

# The exact target names, from the test binary (this builds each package,
# one at a time, from its own module's directory).
targets=()
for d in $dirs; do
  names=$(cd "$d" && go test -run '^$' -list '^Fuzz' . | grep '^Fuzz' || true)
  for n in $names; do
    targets+=("$d $n")
  done
done
if $list_only; then
  printf '%s\n' "${targets[@]}"
  exit 0
fi

parallel=()
if [ -n "${FUZZPARALLEL:-}" ]; then
  parallel=(-parallel "$FUZZPARALLEL")
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
results=()
failed=0
for t in "${targets[@]}"; do
  read -r d n <<<"$t"
  printf '\n=== %s %s (%s)\n' "$d" "$n" "$fuzztime"
  status=ok
  # -timeout 0: the run is bounded by -fuzztime; go test's default of
  # 10 minutes would end a longer one.
  if ! (cd "$d" && go test -run '^$' -fuzz "^$n\$" -fuzztime "$fuzztime" -timeout 0 "${parallel[@]}" .) 2>&1 | tee "$log"; then
    status=FAIL
    failed=1
  fi
  execs=$(grep -o 'execs: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2 || true)
  crasher=$(grep -o 'testdata/fuzz/[^ ]*' "$log" | head -n 1 | sed "s|^|$d/|" || true)
  results+=("$(printf '%-34s %-20s %12s  %s %s' "$d" "$n" "${execs:-?}" "$status" "$crasher")")
done

printf '\n%-34s %-20s %12s  %s\n' package target executions result
printf '%s\n' "${results[@]}"
exit $failed
