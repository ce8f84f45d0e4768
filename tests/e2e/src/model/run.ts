#!/usr/bin/env node
/**
 * The model-based security test at any size:
 *   node dist/model/run.js [--runs 40] [--steps 30] [--seed N]
 * Prints the seed first and a summary at the end; a violation prints the shrunk sequence of steps
 * and exits 1.
 */
import { parseArgs } from 'node:util';

import { ADMIN_TOKEN } from '../support/server-process.js';
import { ModelWorld } from './model-world.js';
import { runSecurityModel } from './security-model.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '40' }, steps: { type: 'string', default: '30' }, seed: { type: 'string' } },
});
const runs = Number(values.runs);
const maxSteps = Number(values.steps);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
for (const [name, value] of [['--runs', runs], ['--steps', maxSteps], ['--seed', seed]] as const) {
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`${name} must be a whole number ≥ 0\n`);
    process.exit(2);
  }
}

process.stdout.write(`model-based security test: ${runs} sequences of up to ${maxSteps} steps, seed ${seed}\n`);
const started = Date.now();
const world = await ModelWorld.start(seed);
try {
  const report = await runSecurityModel(world, ADMIN_TOKEN, { runs, maxSteps, seed });
  process.stdout.write(
    `passed: ${report.runs} sequences, ${report.steps} steps, seed ${report.seed}, violations 0, ${Math.round((Date.now() - started) / 1000)} s; ` +
      `${report.spotSessions} spot sessions, ${report.outbids} outbids, ${report.preemptions} preemptions, ${report.reprovisioned} reprovisioned\n`,
  );
} catch (error) {
  process.stdout.write(`FAILED (seed ${seed}; replay with --seed ${seed}):\n${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await world.stop();
}
