#!/usr/bin/env bash
# Generates the TypeScript and Python SDKs of the asyncroute package from
# provider/schema.json and type-checks them, with a small TypeScript program
# and a small Python program that use them:
#
#   1. builds provider/sdkgen (pkg/v3's codegen/nodejs and codegen/python;
#      its own module, -trimpath like scripts/build-pulumi-cli.sh, so pkg/v3
#      compiled for the CLI comes from the Go build cache) into
#      .tools/sdkgen/bin/sdkgen;
#   2. writes provider/sdkcheck/sdk/{nodejs,python} (gitignored);
#   3. installs provider/sdkcheck/package-lock.json (npm ci: @pulumi/pulumi,
#      @pulumi/aws, typescript, pyright) when the lock file changed;
#   4. tsc: the generated SDK with its own tsconfig, compiled (JavaScript
#      and declarations) into provider/sdkcheck/sdk/nodejs/bin with its
#      package.json, the package @asyncroute/asyncroute as npm would install
#      it; then provider/sdkcheck/typescript/index.ts against it with
#      scripts/check-ts.sh;
#   5. pyright: provider/sdkcheck/python/__main__.py in strict mode, and the
#      generated SDK in basic mode (see below), with the pulumi Python SDK's
#      source from the sdk/v3 Go module (python/lib in the module cache) on
#      extraPaths;
#   6. tries `import pulumi_asyncroute` with python3, and reports (does not
#      fail on) a missing runtime dependency: PyPI is not reachable here.
#
# Needs Go, node and npm (https://registry.npmjs.org or a mirror; node and
# npm are installed from Debian's packages when missing). Cold: about 40 s
# after the CLI build (npm ci 16 s with npm's download cache warm); warm:
# about 20 s with other builds running on 2 cores (tsc of the SDK 4 s,
# check-ts.sh 8 s, pyright 9 s).
#
# Usage: scripts/build-sdks.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
check="$root/provider/sdkcheck"
tools="$root/.tools/sdkgen/bin"
export GOWORK=off GOTOOLCHAIN="${GOTOOLCHAIN:-local}"

step() { printf -- '--- %s\n' "$*" >&2; }

step "sdkgen (provider/sdkgen)"
mkdir -p "$tools"
(cd "$root/provider/sdkgen" && GOFLAGS=-buildvcs=false go build -trimpath -o "$tools/sdkgen" .)

step "generating the SDKs from provider/schema.json"
"$tools/sdkgen" -schema "$root/provider/schema.json" -out "$check/sdk"

step "npm packages (provider/sdkcheck/package-lock.json)"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "installing node and npm (Debian packages)" >&2
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi
stamp="$check/.stamp-npm-$(sha256sum "$check/package-lock.json" | cut -c1-16)"
if [ ! -f "$stamp" ] || [ ! -d "$check/node_modules" ]; then
  rm -f "$check"/.stamp-npm-*
  # --ignore-scripts: @pulumi/aws's install script would download the AWS
  # plugin; only the type declarations are needed here.
  (cd "$check" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  touch "$stamp"
fi
bin="$check/node_modules/.bin"

step "tsc: the generated TypeScript SDK, compiled into sdk/nodejs/bin"
"$bin/tsc" -p "$check/sdk/nodejs/tsconfig.json"
cp "$check/sdk/nodejs/package.json" "$check/sdk/nodejs/bin/package.json"

step "tsc: provider/sdkcheck/typescript/index.ts (scripts/check-ts.sh)"
"$root/scripts/check-ts.sh" "$check/typescript"

step "pyright (strict): provider/sdkcheck/python/__main__.py against the generated SDK"
pylib="$(cd "$root" && go env GOMODCACHE)/github.com/pulumi/pulumi/sdk/v3@v3.274.1/python/lib"
if [ ! -f "$pylib/pulumi/__init__.py" ]; then
  (cd "$root" && go mod download github.com/pulumi/pulumi/sdk/v3@v3.274.1)
fi
cat > "$check/pyrightconfig.json" <<JSON
{
  "include": ["python"],
  "extraPaths": ["sdk/python", "$pylib"],
  "pythonVersion": "3.10",
  "typeCheckingMode": "strict",
  "reportMissingModuleSource": "none"
}
JSON
"$bin/pyright" --project "$check/pyrightconfig.json"

# The SDK's own modules in basic mode. Two things of pkg/v3's Python
# generator, the same in every generated Pulumi SDK, are left out:
# _utilities.py (shared boilerplate importing semver and packaging, which
# are not installed here) and the resources' `props=__props__` call, which
# passes an Args object where the pulumi SDK's annotation says Mapping
# (reportArgumentType is a warning, not an error).
step "pyright (basic): the generated Python SDK"
cat > "$check/pyrightconfig.sdk.json" <<JSON
{
  "include": ["sdk/python/pulumi_asyncroute"],
  "ignore": ["sdk/python/pulumi_asyncroute/_utilities.py"],
  "extraPaths": ["sdk/python", "$pylib"],
  "pythonVersion": "3.10",
  "typeCheckingMode": "basic",
  "reportMissingModuleSource": "none",
  "reportArgumentType": "warning",
  "reportSelfClsParameterName": "none"
}
JSON
"$bin/pyright" --project "$check/pyrightconfig.sdk.json"

step "python3: import pulumi_asyncroute (runtime dependencies, best effort)"
if command -v python3 >/dev/null 2>&1; then
  if out=$(cd "$check" && PYTHONPATH="sdk/python:$pylib" python3 -c 'import pulumi_asyncroute.lambda_ as l; print("imported", l.Function.__name__, l.DestinationKind.NEW_QUEUE.value)' 2>&1); then
    echo "$out"
  else
    echo "runtime import not possible here (not a failure): ${out##*$'\n'}"
  fi
fi
