#!/usr/bin/env bash
# The CLI as published: pack @gpu-shopper/cli and the workspace packages it needs (workspace:*
# ranges become versions), install the tarballs with plain npm into an empty folder (third-party
# dependencies from the registry), and run the installed `gpu-shopper` bin. Needs a build.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for pkg in apps/cli packages/client packages/core packages/providers packages/ssh; do
  (cd "$pkg" && pnpm --silent pack --pack-destination "$work" >/dev/null)
done
mkdir "$work/install"
(cd "$work/install" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error "$work"/*.tgz >/dev/null)
bin="$work/install/node_modules/.bin/gpu-shopper"
"$bin" --version | grep -q '^@gpu-shopper/cli/' || { echo "the packed gpu-shopper does not run"; exit 1; }
"$bin" help inventory | grep -q -- '--gpu-type' || { echo "the packed gpu-shopper has no inventory --gpu-type"; exit 1; }
echo "cli-pack: $(ls "$work"/*.tgz | wc -l) tarballs install and run with npm"
