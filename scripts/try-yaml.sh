#!/usr/bin/env bash
# Runs a Pulumi YAML program that uses asyncroute offline, end to end: the
# real Pulumi CLI and engine, the asyncroute component provider and the
# test-double AWS provider (tests/fakeaws) in place of AWS. No cloud, no
# credentials, nothing downloaded at run time. After the command it prints
# what the double holds for the stack, the stack's asynchronous routing and
# the rules' findings.
#
#   scripts/try-yaml.sh DIR [preview|up|destroy|report]   (default: preview)
#
# DIR holds the program's Pulumi.yaml (and the code its functions archive).
# The stack is "dev" (TRY_YAML_STACK), aws:region us-east-1 unless the
# stack sets one (TRY_YAML_REGION); the backend, Pulumi home and the
# double's state live in DIR/.asyncroute-offline (TRY_YAML_STATE), so
# preview, up, an edit, up again and destroy work like a real stack.
#
# First run: builds the Pulumi CLI (scripts/build-pulumi-cli.sh, about 7
# minutes cold on 2 cores), the YAML language host (about 1.5 minutes),
# the component provider and the double, all cached in .tools/. Later runs
# take seconds. ASYNCROUTE_PULUMI_CLI, ASYNCROUTE_PULUMI_YAML and
# ASYNCROUTE_PROVIDER_BIN name binaries already built (as .ci/run does).
#
# The double implements the AWS resource types the library creates and the
# README and examples use (IAM roles and inline policies; Lambda functions,
# aliases, permissions, invoke configs and event source mappings; SQS; SNS
# topics and subscriptions; EventBridge buses, rules and targets; S3
# buckets and their encryption configuration; KMS keys and aliases). A
# program that declares any other AWS type fails its preview with the
# double's "resource type ... is not implemented".
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: scripts/try-yaml.sh DIR [preview|up|destroy|report]" >&2
  exit 2
fi
dir="$1"
command="${2:-preview}"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

cli="${ASYNCROUTE_PULUMI_CLI:-$("$root/scripts/build-pulumi-cli.sh")}"
yaml_host="${ASYNCROUTE_PULUMI_YAML:-$("$root/scripts/build-pulumi-yaml.sh")}"
provider="${ASYNCROUTE_PROVIDER_BIN:-$("$root/scripts/build-provider.sh")}"

bin="$root/.tools/try-yaml/bin"
mkdir -p "$bin"
(cd "$root" && go build -o "$bin/pulumi-resource-aws" ./tests/fakeaws/cmd/pulumi-resource-aws \
  && go build -o "$bin/try-yaml" ./tests/offline/cmd/try-yaml)
ln -sf "$yaml_host" "$bin/pulumi-language-yaml"
ln -sf "$provider" "$bin/pulumi-resource-asyncroute"

exec "$bin/try-yaml" -cli "$cli" -bin "$bin" \
  -stack "${TRY_YAML_STACK:-dev}" -region "${TRY_YAML_REGION:-us-east-1}" \
  ${TRY_YAML_STATE:+-state "$TRY_YAML_STATE"} "$dir" "$command"
