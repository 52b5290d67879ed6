#!/usr/bin/env bash
# Deploy-time benchmark: `pulumi up` of the asyncroute construct against the
# same AWS resources written by hand, through the real engine (Automation
# API, local backend) and the test-double provider tests/fakeaws with every
# create taking 1 s and role policies stored 2 s after their write.
#   chain: 6 functions, each the next one's on-success destination, the last
#          one's an SQS queue, declared from the end (queue, fn6, ..., fn1)
#   fan:   20 functions, each with its own SQS queue (on success) and SNS
#          topic (on failure) declared before it
# Prints the machine, each run's wall time, the medians and construct/raw.
# Runs alternate construct and raw (and which goes first). Nothing is
# asserted about times.
#   scripts/bench-deploy.sh                  # 3 runs per mode and scenario
#   RUNS=5 SCENARIOS=chain scripts/bench-deploy.sh
#   PULUMI_CLI=/path/to/pulumi scripts/bench-deploy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SCENARIOS=${SCENARIOS:-"chain fan"}
LATENCY=${LATENCY:-create=1s}
POLICY_DELAY=${POLICY_DELAY:-2s}
PARALLEL=${PARALLEL:-0}  # the engine's --parallel; 0 keeps the CLI's default (4 per core)
CLI=${PULUMI_CLI:-$PWD/.tools/pulumi/v3.274.1/bin/pulumi}
[ -x "$CLI" ] || { echo "no Pulumi CLI at $CLI: run scripts/build-pulumi-cli.sh" >&2; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/fakeaws-bin"
go build -o "$out/fakeaws-bin/pulumi-resource-aws" ./tests/fakeaws/cmd/pulumi-resource-aws
go build -tags engine -o "$out/deploybench" ./tests/deploybench/cmd/deploybench
export PATH="$out/fakeaws-bin:$PATH"

dirty=$(git status --porcelain -- components | wc -l)
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory ($(awk '/MemAvailable/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) available), $(go version | cut -d' ' -f3-4), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "code: $(git rev-parse --short HEAD) ($dirty changed files under components/), CLI $("$CLI" version)"
echo "fakeaws: FAKEAWS_LATENCY=$LATENCY FAKEAWS_ROLE_POLICY_DELAY=$POLICY_DELAY; engine --parallel ${PARALLEL/#0/default}; $RUNS runs per scenario and mode"
echo

: > "$out/times.txt"
for scenario in $SCENARIOS; do
  for run in $(seq 1 "$RUNS"); do
    modes="construct raw"
    if [ $((run % 2)) -eq 0 ]; then modes="raw construct"; fi
    for mode in $modes; do
      load=$(cut -d' ' -f1 /proc/loadavg)
      line=$("$out/deploybench" -scenario "$scenario" -mode "$mode" -cli "$CLI" -latency "$LATENCY" -policy-delay "$POLICY_DELAY" -parallel "$PARALLEL")
      set -- $line
      printf "%-6s run %d %-9s %7.2f s  (%s, load before %s)\n" "$scenario" "$run" "$mode" "$3" "$4" "$load"
      echo "$scenario $mode $3" >> "$out/times.txt"
    done
  done
done

echo
awk '
  { t[$1, $2] = t[$1, $2] " " $3; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
  function median(s,   a, k, i, j, x) {
    k = split(s, a, " ")
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { x = a[i]; a[i] = a[j]; a[j] = x }
    if (k % 2) return a[(k + 1) / 2]
    return (a[k / 2] + a[k / 2 + 1]) / 2
  }
  END {
    printf "%-8s %16s %16s %8s\n", "scenario", "construct (med)", "raw (med)", "ratio"
    for (i = 1; i <= n; i++) {
      s = order[i]; c = median(t[s, "construct"]); r = median(t[s, "raw"])
      printf "%-8s %14.2f s %14.2f s %7.2fx\n", s, c, r, c / r
    }
  }' "$out/times.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
