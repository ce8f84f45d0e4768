#!/usr/bin/env bash
# Starts the built server (plain Node, no test runner in between, so ESM/CJS interop problems
# that jest hides show up here), checks /health, /ready and the web console at /, and stops it with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

workdir=$(mktemp -d)
port=$(node -e "const s=require('net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")
DATABASE_PATH="$workdir/smoke.db" SERVER_PORT="$port" node apps/server/dist/main.js >"$workdir/server.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; rm -rf "$workdir"; }
trap cleanup EXIT

for _ in $(seq 1 50); do
  if curl -fsS "http://127.0.0.1:$port/health" >"$workdir/health.json" 2>/dev/null; then break; fi
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/health" | grep -q '"status":"ok"' || { echo "health check failed"; cat "$workdir/server.log"; exit 1; }
curl -fsS "http://127.0.0.1:$port/ready" | grep -q '"status":"ready"' || { echo "readiness check failed"; cat "$workdir/server.log"; exit 1; }
# After `pnpm build` the web console is built, so / must be its page (a script from /assets), not
# the page that says it is missing.
curl -fsS "http://127.0.0.1:$port/" | grep -q 'src="/assets/' || { echo "the web console is not served at /"; cat "$workdir/server.log"; exit 1; }
kill -TERM "$pid"
wait "$pid" || { echo "server did not exit cleanly"; cat "$workdir/server.log"; exit 1; }
grep -q '"msg":"stopped"' "$workdir/server.log" || { echo "server did not shut down gracefully"; cat "$workdir/server.log"; exit 1; }
echo "smoke: /health, /ready and the console at / answered on port $port; graceful shutdown ok"
