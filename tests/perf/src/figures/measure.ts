import { type Figure } from '../report.js';

export interface FigureSpec {
  readonly id: number;
  readonly name: string;
  readonly unit: string;
  readonly goal: string | null;
}

export interface FigureOutcome {
  readonly value: number;
  readonly goalMet: boolean | null;
  /** The headline value's min/median/max over the rounds it was computed from. */
  readonly spread?: { readonly min: number; readonly median: number; readonly max: number; readonly n: number } | undefined;
  readonly details: Record<string, unknown>;
  readonly notes?: string[];
}

/** Thrown by a figure that cannot be measured properly here: reported with its reason, not as a failure of the run. */
export class NotMeasured extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = NotMeasured.name;
  }
}

/**
 * Runs one figure. Any error becomes `not_measured` with its message: one broken figure must not
 * hide the other seven, and a number is never invented to fill the gap.
 */
export async function measure(spec: FigureSpec, run: () => Promise<FigureOutcome>, log: (line: string) => void): Promise<Figure> {
  const start = performance.now();
  log(`[${spec.id}] ${spec.name}…`);
  try {
    const outcome = await run();
    const figure: Figure = { ...spec, status: 'measured', value: outcome.value, goalMet: outcome.goalMet, spread: outcome.spread ?? null, details: outcome.details, notes: outcome.notes ?? [], durationMs: Math.round(performance.now() - start) };
    log(`[${spec.id}] ${outcome.value} ${spec.unit} (${((performance.now() - start) / 1000).toFixed(1)} s)`);
    return figure;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`[${spec.id}] not measured: ${reason}`);
    return { ...spec, status: 'not_measured', value: null, goalMet: null, spread: null, details: {}, notes: [], reason, durationMs: Math.round(performance.now() - start) };
  }
}
