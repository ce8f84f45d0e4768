#!/usr/bin/env bash
# The documented one-step install of the CLI (`pnpm cli:install`) into a throwaway npm prefix, then
# `gpu-shopper` run by name from PATH, as a user runs it after installing.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
NPM_CONFIG_PREFIX="$prefix" pnpm --silent cli:install
export PATH="$prefix/bin:$PATH"
[ "$(command -v gpu-shopper)" = "$prefix/bin/gpu-shopper" ] || { echo "gpu-shopper is not on PATH"; exit 1; }
gpu-shopper --version | grep -q '^@gpu-shopper/cli/' || { echo "gpu-shopper --version failed"; exit 1; }
gpu-shopper help | grep -q 'provision' || { echo "gpu-shopper help does not list provision"; exit 1; }
echo "cli-install: gpu-shopper on PATH from $prefix/bin"
