#!/usr/bin/env bash
# Builds the Pulumi YAML language host (pulumi-language-yaml) from the Go
# module proxy into a cached tools folder:
#   .tools/pulumi-yaml/<version>/bin/pulumi-language-yaml   (gitignored; reused when present)
# The same way scripts/build-pulumi-cli.sh builds the CLI: a throwaway wrapper
# module in a temp dir requires github.com/pulumi/pulumi-yaml at the version,
# with the pkg/v3 and sdk/v3 versions that pulumi-yaml release requires, and
# carries pkg/v3's clipboard replace (which `go install pkg@version` refuses).
# Neither the library's nor the provider's go.mod is touched.
#
# Cold: 83 s on 2 cores in .ci/run, after scripts/build-pulumi-cli.sh has
# compiled the dependencies both share (pulumi/pkg v3.206.0 itself is
# compiled here; modules already downloaded); 32 MB binary.
# Cached: prints the path and exits.
#
# The engine finds the host as `pulumi-language-yaml` on PATH: put the
# printed path's folder on PATH before running a `runtime: yaml` project.
#
# Usage: scripts/build-pulumi-yaml.sh          # prints the binary's path on stdout
#        PULUMI_YAML_VERSION=v1.25.0 PULUMI_YAML_PKG_VERSION=v3.206.0 scripts/build-pulumi-yaml.sh
set -euo pipefail

version="${PULUMI_YAML_VERSION:-v1.25.0}"
pkg_version="${PULUMI_YAML_PKG_VERSION:-v3.206.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.tools/pulumi-yaml/$version/bin"
bin="$dest/pulumi-language-yaml"
stamp="$dest/.built-with-pkg-$pkg_version"

if [ -x "$bin" ] && [ -f "$stamp" ]; then
  echo "$bin"
  exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-yaml-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cat > "$work/go.mod" <<MOD
module asyncroute.local/pulumi-yaml-build

go 1.26.6

require (
	github.com/pulumi/pulumi-yaml $version
	github.com/pulumi/pulumi/pkg/v3 $pkg_version
	github.com/pulumi/pulumi/sdk/v3 $pkg_version
)

// Copied from github.com/pulumi/pulumi/pkg/v3's go.mod (its only replace
// besides the in-repo ../sdk one, which the require above stands in for).
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
MOD

cd "$work"
export GOFLAGS="-mod=mod -buildvcs=false"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export GOWORK=off

echo "building pulumi-language-yaml $version (pkg/v3 $pkg_version) in $work (cold build: ~1.5 minutes on 2 cores after the CLI build)" >&2
start=$(date +%s)
go get "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@$version" \
  "github.com/pulumi/pulumi/pkg/v3@$pkg_version" "github.com/pulumi/pulumi/sdk/v3@$pkg_version" >&2

mkdir -p "$dest"
go build -trimpath \
  -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$version" \
  -o "$bin.tmp" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml >&2
mv "$bin.tmp" "$bin"
touch "$stamp"
echo "built pulumi-language-yaml $version in $(( $(date +%s) - start ))s" >&2
echo "$bin"
