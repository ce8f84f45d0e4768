/**
 * `@gpu-shopper/simulator/testing`: helpers for tests that drive the simulated vendors directly
 * (test code only; `useTestSimulator` declares jest hooks).
 */
export { rentVastDirectly } from './direct-rental.js';
export { startTestSimulator, TEST_SIMULATOR_OPTIONS, useTestSimulator } from './test-simulator.js';
