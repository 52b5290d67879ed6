#!/usr/bin/env bash
# Type-checks a TypeScript Pulumi program of your own against the asyncroute
# SDK generated from provider/schema.json, without copying anything into
# the program's folder:
#
#   @asyncroute/asyncroute  the generated SDK, compiled (provider/sdkcheck/sdk/nodejs/bin)
#   @pulumi/pulumi          provider/sdkcheck's 3.270.0
#   @pulumi/aws             provider/sdkcheck's 6.83.4
#   @types/node             provider/sdkcheck's, after the program's own node_modules/@types
#
# Other packages resolve from the program's own node_modules. The program's
# tsconfig.json is used when it has one (extended: its files, its options,
# its paths); otherwise every .ts file in the folder (but node_modules/ and
# bin/) is checked in strict mode (ES2022, nodenext). Nothing is emitted.
# The SDK and provider/sdkcheck/node_modules come from scripts/build-sdks.sh,
# which this script runs first when they are missing (Go, node, npm).
#
# Prints tsc's diagnostics and exits with tsc's status (0: no errors).
#
# Usage: scripts/check-ts.sh PROGRAM_DIR
set -euo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 PROGRAM_DIR (a folder holding a TypeScript Pulumi program)" >&2
  exit 2
fi
program="$(cd "$1" && pwd)"
root="$(cd "$(dirname "$0")/.." && pwd)"
check="$root/provider/sdkcheck"
modules="$check/node_modules"

if [ ! -f "$check/sdk/nodejs/bin/index.d.ts" ] || [ ! -x "$modules/.bin/tsc" ]; then
  echo "check-ts: the generated SDK or provider/sdkcheck/node_modules is missing; running scripts/build-sdks.sh" >&2
  "$root/scripts/build-sdks.sh" >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The tsconfig, written by node with TypeScript's own reader so that the
# program's tsconfig.json (comments, extends) is read as tsc reads it.
PROGRAM="$program" CHECK="$check" OUT="$work/tsconfig.json" node -e '
const path = require("path"), fs = require("fs");
const ts = require(path.join(process.env.CHECK, "node_modules", "typescript"));
const program = process.env.PROGRAM, check = process.env.CHECK;
const modules = path.join(check, "node_modules");
const own = path.join(program, "tsconfig.json");
const config = { compilerOptions: { noEmit: true } };
let paths = {}, typeRoots = [];
if (fs.existsSync(own)) {
  const parsed = ts.getParsedCommandLineOfConfigFile(own, {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => {
      console.error(ts.flattenDiagnosticMessageText(d.messageText, "\n")); process.exit(2);
    },
  });
  const o = parsed.options;
  // The program'\''s own mappings, made absolute: the new config lives elsewhere.
  const base = o.baseUrl || path.dirname(own);
  for (const [k, v] of Object.entries(o.paths || {})) paths[k] = v.map((p) => path.resolve(base, p));
  typeRoots = o.typeRoots || [];
  config.extends = own;
} else {
  Object.assign(config.compilerOptions, {
    strict: true, target: "ES2022", module: "nodenext", moduleResolution: "nodenext",
    skipLibCheck: true, types: ["node"],
  });
  config.include = [path.join(program, "**", "*.ts")];
  config.exclude = [path.join(program, "node_modules"), path.join(program, "bin")];
}
const programTypes = path.join(program, "node_modules", "@types");
if (typeRoots.length === 0 && fs.existsSync(programTypes)) typeRoots.push(programTypes);
typeRoots.push(path.join(modules, "@types"));
Object.assign(paths, {
  "@asyncroute/asyncroute": [path.join(check, "sdk", "nodejs", "bin")],
  "@pulumi/pulumi": [path.join(modules, "@pulumi", "pulumi")],
  "@pulumi/pulumi/*": [path.join(modules, "@pulumi", "pulumi", "*")],
  "@pulumi/aws": [path.join(modules, "@pulumi", "aws")],
  "@pulumi/aws/*": [path.join(modules, "@pulumi", "aws", "*")],
});
Object.assign(config.compilerOptions, { paths, typeRoots });
fs.writeFileSync(process.env.OUT, JSON.stringify(config, null, 2));
'

"$modules/.bin/tsc" -p "$work/tsconfig.json"
