#!/usr/bin/env bash
# Measures the asyncroute construct against the same resources registered raw,
# in one run, and prints the ratios (construct / raw). Targets: time and
# allocations <= 1.15x at every N, cost per function flat in N.
#   scripts/bench.sh            # N = 100 1000 3000, 3 runs each
#   COUNT=5 NS="100 1000" scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-3}
NS=${NS:-"100 1000 3000"}
out=$(mktemp -d)

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3-4), load $(cut -d' ' -f1-3 /proc/loadavg)"
pattern="Plan/(construct|raw|construct-destinations-first)/n=($(echo $NS | tr ' ' '|'))\$"
go test -vet=off -run '^$' -bench "$pattern" -benchmem -count "$COUNT" ./tests/bench > "$out/bench.txt"

go build -o "$out/benchplan" ./tests/bench/benchplan
for n in $NS; do
  for mode in construct raw; do
    /usr/bin/time -f "$mode $n %e %M" -o "$out/time-$mode-$n.txt" "$out/benchplan" -mode "$mode" -n "$n" > /dev/null
  done
done

# Medians per mode and N: ns/function, B/op, allocs/op.
awk -v ns="$NS" '
  /^BenchmarkPlan\// {
    split($1, p, "/"); mode = p[2]; split(p[3], q, "[=-]"); n = q[2]
    for (i = 2; i <= NF; i++) {
      if ($(i) == "ns/function") nsf[mode, n] = nsf[mode, n] " " $(i-1)
      if ($(i) == "allocs/op") al[mode, n] = al[mode, n] " " $(i-1)
      if ($(i) == "B/op") by[mode, n] = by[mode, n] " " $(i-1)
    }
  }
  function median(s,   a, k, i, j, t) {
    k = split(s, a, " ")
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return a[int((k + 1) / 2)]
  }
  END {
    printf "\n%-6s %14s %14s %7s %12s %12s %7s %16s %7s\n", "N", "construct", "raw", "ratio", "allocs c", "allocs r", "ratio", "dest-first", "ratio"
    printf "%-6s %14s %14s %7s %12s %12s %7s %16s %7s\n", "", "ns/function", "ns/function", "", "/op", "/op", "", "ns/function", ""
    split(ns, list, " ")
    for (i = 1; i in list; i++) {
      n = list[i]; c = median(nsf["construct", n]); r = median(nsf["raw", n])
      ca = median(al["construct", n]); ra = median(al["raw", n])
      d = median(nsf["construct-destinations-first", n])
      printf "%-6s %14.0f %14.0f %6.2fx %12.0f %12.0f %6.2fx %16.0f %6.2fx\n", n, c, r, c / r, ca, ra, ca / ra, d, d / r
    }
  }' "$out/bench.txt"

printf "\n%-6s %12s %12s %7s %14s %14s %7s\n" "N" "wall c (s)" "wall r (s)" "ratio" "peak RSS c" "peak RSS r" "ratio"
for n in $NS; do
  read -r _ _ wc mc < "$out/time-construct-$n.txt"
  read -r _ _ wr mr < "$out/time-raw-$n.txt"
  awk -v n="$n" -v wc="$wc" -v wr="$wr" -v mc="$mc" -v mr="$mr" \
    'BEGIN { printf "%-6s %12.2f %12.2f %6.2fx %11.0f MB %11.0f MB %6.2fx\n", n, wc, wr, wc / wr, mc / 1024, mr / 1024, mc / mr }'
done
echo
echo "raw benchmark output: $out/bench.txt"
