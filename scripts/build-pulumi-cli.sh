#!/usr/bin/env bash
# Builds the Pulumi CLI from the Go module proxy into a cached tools folder:
#   .tools/pulumi/<version>/bin/pulumi   (gitignored; reused when present)
# A throwaway wrapper module in a temp dir requires pkg/v3 and sdk/v3 at the
# version and carries pkg/v3's clipboard replace (`go install pkg@version`
# refuses modules with replace directives). The repository's go.mod is not
# touched: pkg/v3 never becomes a dependency of the library module.
#
# Cold: about 7 minutes on 2 cores and ~2.3 GB of module/build cache.
# Cached: prints the path and exits.
#
# Usage: scripts/build-pulumi-cli.sh            # prints the binary's path on stdout
#        PULUMI_CLI_VERSION=v3.274.1 scripts/build-pulumi-cli.sh
set -euo pipefail

version="${PULUMI_CLI_VERSION:-v3.274.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.tools/pulumi/$version/bin"
bin="$dest/pulumi"

if [ -x "$bin" ] && "$bin" version 2>/dev/null | grep -qx "$version"; then
  echo "$bin"
  exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-cli-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cat > "$work/go.mod" <<MOD
module asyncroute.local/pulumi-cli-build

go 1.26.6

require (
	github.com/pulumi/pulumi/pkg/v3 $version
	github.com/pulumi/pulumi/sdk/v3 $version
)

// Copied from github.com/pulumi/pulumi/pkg/v3's go.mod (its only replace
// besides the in-repo ../sdk one, which the require above stands in for).
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD

cd "$work"
export GOFLAGS="-mod=mod -buildvcs=false"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export GOWORK=off

echo "building pulumi $version in $work (cold build: ~7 minutes on 2 cores)" >&2
start=$(date +%s)
# Resolve the module graph and record the sums the CLI package needs.
go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$version" "github.com/pulumi/pulumi/sdk/v3@$version" >&2

mkdir -p "$dest"
go build -trimpath \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
  -o "$bin.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
mv "$bin.tmp" "$bin"
echo "built $("$bin" version) in $(( $(date +%s) - start ))s" >&2
echo "$bin"
