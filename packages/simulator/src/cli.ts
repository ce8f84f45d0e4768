#!/usr/bin/env node
/**
 * Standalone simulator: `gpu-shopper-simulator [--seed N] [--catalog-size N] [--latency-ms N] [--port N]`.
 * The first stdout line is one JSON object with the base URLs; it then serves until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';

import { startSimulator, type SimulatorOptions } from './simulator.js';

const USAGE = `Usage: gpu-shopper-simulator [options]

  --seed N                      catalogue / id / fault seed (default 1)
  --catalog-size N              offers across the three vendors, 10-10000 (default 300)
  --latency-ms N                added to every vendor response (default 0)
  --port N                      base port: Vast N, TensorDock N+1, Blue Lobster N+2, control N+3
                                (default: free ports)
  --boot-delay-ms N             create -> running (default 1500)
  --key-propagation-ms N        Vast key attach / TensorDock cloud-init -> key usable (default 300)
  --bluelobster-dpkg-lock-ms N  Blue Lobster boot-time dist-upgrade window (default 2000)
  --benchmark-run-ms N          emulated benchmark script run, start -> result (default 600)
  --vast-outbid-rate-per-hour N other tenants outbidding each running Vast bid instance (default 0)
  -h, --help                    show this help

Prints {"vastai","tensordock","bluelobster","control"} URLs as the first stdout line.
`;

const INTEGER_FLAGS = {
  seed: 'seed',
  'catalog-size': 'catalogSize',
  'latency-ms': 'latencyMs',
  port: 'basePort',
  'boot-delay-ms': 'bootDelayMs',
  'benchmark-run-ms': 'benchmarkRunMs',
  'key-propagation-ms': 'keyPropagationMs',
  'bluelobster-dpkg-lock-ms': 'blueLobsterDpkgLockMs',
  'vast-outbid-rate-per-hour': 'vastOutbidRatePerHour',
} as const satisfies Record<string, keyof SimulatorOptions>;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function parseOptions(argv: readonly string[]): SimulatorOptions | 'help' {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(Object.keys(INTEGER_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (parsed.values.help === true) return 'help';
  const options: Record<string, number> = {};
  for (const [flag, key] of Object.entries(INTEGER_FLAGS)) {
    const raw = parsed.values[flag];
    if (raw === undefined) continue;
    if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) throw new UsageError(`--${flag} needs an integer, got ${String(raw)}`);
    options[key] = Number(raw);
  }
  return options;
}

async function main(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv);
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const simulator = await startSimulator(options);
  process.stdout.write(`${JSON.stringify(simulator.urls)}\n`);
  const shutdown = (signal: NodeJS.Signals): void => {
    process.stderr.write(`gpu-shopper-simulator: ${signal}, stopping\n`);
    simulator
      .stop()
      .then(() => {
        process.exitCode = 0;
      })
      .catch((err: unknown) => {
        process.stderr.write(`gpu-shopper-simulator: stop failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`gpu-shopper-simulator: ${err instanceof Error ? err.message : String(err)}\n`);
  if (err instanceof UsageError) process.stderr.write(USAGE);
  process.exitCode = err instanceof UsageError ? 2 : 1;
});
