/**
 * A simulator sized and timed for tests: boots and key propagation in tens of milliseconds, a small
 * catalogue. `useTestSimulator` declares its lifecycle with jest's hooks, so a describe block that
 * uses it gets one simulator, reset between tests, stopped at the end.
 */
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../simulator.js';

export const TEST_SIMULATOR_OPTIONS: Readonly<SimulatorOptions> = { bootDelayMs: 150, keyPropagationMs: 40, blueLobsterDpkgLockMs: 500, catalogSize: 80 };

/** Starts a simulator with the test options, `overrides` winning; the caller stops it. */
export function startTestSimulator(overrides: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ ...TEST_SIMULATOR_OPTIONS, ...overrides });
}

/**
 * One test simulator for the enclosing describe block: started before its tests, reset after each
 * (instances, faults, journal and boot hold), stopped after all. Returns its getter, which throws
 * when called before the simulator has started (outside a test or hook).
 */
export function useTestSimulator(overrides: SimulatorOptions = {}): () => RunningSimulator {
  let sim: RunningSimulator | undefined;
  beforeAll(async () => {
    sim = await startTestSimulator(overrides);
  });
  afterEach(async () => {
    await sim?.control.reset();
  });
  afterAll(async () => {
    await sim?.stop();
  });
  return () => {
    if (!sim) throw new Error('the simulator is not started yet (use it inside a test or hook)');
    return sim;
  };
}
