import { ADMIN_TOKEN } from '../support/server-process.js';
import { ModelWorld } from './model-world.js';
import { runSecurityModel } from './security-model.js';

/**
 * The model-based security test at its `pnpm test` size; a larger run by flag:
 * `pnpm --filter @gpu-shopper/e2e model --runs 40 --steps 30 [--seed N]` (see src/model/run.ts).
 */
const runs = Number(process.env.GPU_SHOPPER_MODEL_RUNS ?? 3);
const maxSteps = Number(process.env.GPU_SHOPPER_MODEL_STEPS ?? 10);
const seed = Number(process.env.GPU_SHOPPER_MODEL_SEED ?? Date.now() % 2 ** 31);

describe('model-based security test: random sequences by several consumers and the admin keep every safety invariant', () => {
  let world: ModelWorld;

  beforeAll(async () => {
    world = await ModelWorld.start(seed);
  }, 120_000);

  afterAll(async () => {
    await world?.stop();
  });

  it(`${runs} sequences of up to ${maxSteps} steps (seed ${seed}): budgets, isolation, other deployments, no orphan`, async () => {
    process.stdout.write(`model-based security test: seed ${seed} (GPU_SHOPPER_MODEL_SEED=${seed} replays it)\n`);
    const report = await runSecurityModel(world, ADMIN_TOKEN, { runs, maxSteps, seed });
    expect(report.runs).toBeGreaterThanOrEqual(runs);
    expect(report.steps).toBeGreaterThan(0);
    process.stdout.write(`model-based security test: ${report.steps} steps; ${report.spotSessions} spot sessions, ${report.outbids} outbids, ${report.preemptions} preemptions recorded, ${report.reprovisioned} reprovisioned\n`);
  }, 600_000);
});
