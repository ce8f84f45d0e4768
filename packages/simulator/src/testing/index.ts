/**
 * `@gpu-shopper/simulator/testing`: helpers for other packages' tests that drive the simulated
 * vendors directly (test code only).
 */
export { rentVastDirectly } from './direct-rental.js';
