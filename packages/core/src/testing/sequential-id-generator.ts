import { ID_PREFIXES, type IdGenerator, type IdKind } from '../ids/ids.js';

/**
 * Deterministic, well-formed ids for tests: `ses_00000000000000000000000001`, `…02`, … per kind.
 * They pass `isId` and sort in creation order, like real ones.
 */
export class SequentialIdGenerator implements IdGenerator {
  private readonly counters = new Map<IdKind, number>();

  next(kind: IdKind): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return `${ID_PREFIXES[kind]}_${n.toString().padStart(26, '0')}`;
  }
}
