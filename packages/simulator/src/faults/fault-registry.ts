import { Prng } from '../internal/prng.js';
import { type Operation, type VendorName } from '../model.js';
import {
  HTTP_FAULT_KINDS,
  KIND_OPERATIONS,
  KIND_VENDORS,
  parseFaultSpec,
  type ActiveFault,
  type FaultKind,
  type FaultSpec,
} from './fault-schema.js';

/** A fault of one kind, narrowed for the code that acts on it. */
export type FaultOf<K extends FaultKind> = Extract<FaultSpec, { kind: K }> & { readonly id: string };

interface Entry {
  readonly id: string;
  readonly spec: FaultSpec;
  remaining: number | null;
  fired: number;
}

/** What an HTTP request is about, for matching. */
export interface RequestScope {
  readonly vendor: VendorName;
  readonly operation: Operation;
  readonly instanceId?: string | undefined;
  readonly offerId?: string | undefined;
}

/** Where an SSH or instance fault would fire. */
export interface NodeScope {
  readonly vendor: VendorName;
  readonly instanceId: string;
}

/**
 * The active faults, in injection order. Matching is first-injected-first-fired, except that every
 * matching `delay` fires (delays stack in front of whatever else answers the request).
 */
export class FaultRegistry {
  private entries: Entry[] = [];
  private nextId = 1;
  private rng: Prng;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly seed: number) {
    this.rng = new Prng(seed, 'faults');
  }

  inject(input: unknown): ActiveFault {
    const spec = parseFaultSpec(input);
    const entry: Entry = { id: `flt_${this.nextId++}`, spec, remaining: spec.count ?? null, fired: 0 };
    this.entries.push(entry);
    for (const listener of this.listeners) listener();
    return this.view(entry);
  }

  /** Removes one fault (by id) or all of them; returns how many were removed. */
  clear(id?: string): number {
    const before = this.entries.length;
    this.entries = id === undefined ? [] : this.entries.filter((e) => e.id !== id);
    const removed = before - this.entries.length;
    if (removed > 0) for (const listener of this.listeners) listener();
    return removed;
  }

  /** Back to the state right after start: no faults, ids and probability rolls restart. */
  reset(): void {
    this.entries = [];
    this.nextId = 1;
    this.rng = new Prng(this.seed, 'faults');
    for (const listener of this.listeners) listener();
  }

  list(): ActiveFault[] {
    return this.entries.map((e) => this.view(e));
  }

  /** Called whenever faults are added or removed (hung requests are released on clear). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  hasActive(kinds: readonly FaultKind[]): boolean {
    return this.entries.some((e) => kinds.includes(e.spec.kind));
  }

  /**
   * The delays to apply to a request (and the narrowest bandwidth they set, null for none), and the
   * first other HTTP fault that fires for it.
   */
  takeRequestFaults(scope: RequestScope): { delayMs: number; delayIds: string[]; bytesPerSecond: number | null; fault: FaultOf<(typeof HTTP_FAULT_KINDS)[number]> | null } {
    let delayMs = 0;
    let bytesPerSecond: number | null = null;
    const delayIds: string[] = [];
    let fault: FaultOf<(typeof HTTP_FAULT_KINDS)[number]> | null = null;
    for (const entry of [...this.entries]) {
      const spec = entry.spec;
      if (!(HTTP_FAULT_KINDS as readonly string[]).includes(spec.kind)) continue;
      if (spec.kind !== 'delay' && fault) continue;
      if (!this.matchesRequest(spec, scope) || !this.roll(spec)) continue;
      this.fire(entry);
      if (spec.kind === 'delay') {
        delayMs += spec.delayMs;
        delayIds.push(entry.id);
        if (spec.bytesPerSecond !== undefined) bytesPerSecond = Math.min(bytesPerSecond ?? Infinity, spec.bytesPerSecond);
      } else {
        fault = { ...spec, id: entry.id } as FaultOf<(typeof HTTP_FAULT_KINDS)[number]>;
      }
    }
    return { delayMs, delayIds, bytesPerSecond, fault };
  }

  /** The first fault of one of `kinds` that fires on this node, consuming one of its fires. */
  takeNodeFault<K extends FaultKind>(kinds: readonly K[], scope: NodeScope): FaultOf<K> | null {
    for (const entry of [...this.entries]) {
      const spec = entry.spec;
      if (!(kinds as readonly FaultKind[]).includes(spec.kind)) continue;
      if (spec.vendor && spec.vendor !== scope.vendor) continue;
      if (spec.instanceId && spec.instanceId !== scope.instanceId) continue;
      if (!this.roll(spec)) continue;
      this.fire(entry);
      return { ...spec, id: entry.id } as FaultOf<K>;
    }
    return null;
  }

  /**
   * Instance faults (`vanish`, `instance_stopped`) decide per instance once: the caller passes a
   * predicate for "due now"; a fault fires at most `count` times over all instances.
   */
  takeInstanceFaults(scope: NodeScope, isDue: (spec: FaultOf<'vanish' | 'instance_stopped'>) => boolean, decided: Set<string>): FaultOf<'vanish' | 'instance_stopped'> | null {
    for (const entry of [...this.entries]) {
      const spec = entry.spec;
      if (spec.kind !== 'vanish' && spec.kind !== 'instance_stopped') continue;
      if (spec.vendor && spec.vendor !== scope.vendor) continue;
      if (spec.instanceId && spec.instanceId !== scope.instanceId) continue;
      const view = { ...spec, id: entry.id };
      if (!isDue(view)) continue;
      const key = `${entry.id}:${scope.vendor}:${scope.instanceId}`;
      if (decided.has(key)) continue;
      decided.add(key);
      if (!this.roll(spec)) continue;
      this.fire(entry);
      return view;
    }
    return null;
  }

  private matchesRequest(spec: FaultSpec, scope: RequestScope): boolean {
    if (spec.vendor && spec.vendor !== scope.vendor) return false;
    const kindVendors = KIND_VENDORS[spec.kind];
    if (kindVendors && !kindVendors.includes(scope.vendor)) return false;
    const kindOps = KIND_OPERATIONS[spec.kind];
    if (spec.operation ? spec.operation !== scope.operation : kindOps && !kindOps.includes(scope.operation)) return false;
    if (spec.instanceId && spec.instanceId !== scope.instanceId) return false;
    if (spec.kind === 'stale_offer' && spec.offerId && spec.offerId !== scope.offerId) return false;
    return true;
  }

  private roll(spec: FaultSpec): boolean {
    return spec.probability === undefined || spec.probability >= 1 || this.rng.chance(spec.probability);
  }

  private fire(entry: Entry): void {
    entry.fired++;
    if (entry.remaining !== null) {
      entry.remaining--;
      if (entry.remaining <= 0) this.entries = this.entries.filter((e) => e !== entry);
    }
  }

  private view(entry: Entry): ActiveFault {
    return { ...entry.spec, id: entry.id, remaining: entry.remaining, fired: entry.fired };
  }
}
