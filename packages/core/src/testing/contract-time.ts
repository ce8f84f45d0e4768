/** The contract suites' timeline: seconds after a fixed start, so stored dates compare exactly. */
const T0 = new Date('2026-01-01T00:00:00.000Z');

export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
