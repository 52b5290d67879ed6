#!/usr/bin/env bash
# Builds the asyncroute component provider (provider/, its own Go module)
# into .tools/provider/bin/pulumi-resource-asyncroute (gitignored) and
# prints the path. Put that folder on PATH and a Pulumi program in any
# language finds the plugin; `pulumi package add
# provider/cmd/pulumi-resource-asyncroute` builds the same binary through
# the Go language host instead.
#
# It compiles the library and its dependencies (the AWS SDK packages the
# library imports); after the library's own build or tests, as in .ci/run,
# that is a link of about 3 s.
#
# Usage: scripts/build-provider.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.tools/provider/bin"
mkdir -p "$dest"
cd "$root/provider"
GOWORK=off GOFLAGS="${GOFLAGS:--buildvcs=false}" go build -o "$dest/pulumi-resource-asyncroute.tmp" ./cmd/pulumi-resource-asyncroute
mv "$dest/pulumi-resource-asyncroute.tmp" "$dest/pulumi-resource-asyncroute"
echo "$dest/pulumi-resource-asyncroute"
