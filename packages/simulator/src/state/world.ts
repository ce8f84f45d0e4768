import { type BlueLobsterRegion, type BlueLobsterType, type GeneratedCatalog, type TensorDockGpu, type TensorDockLocation, type VastBundle } from '../catalog/catalog.js';
import { type GpuSku } from '../catalog/gpu-skus.js';
import { type FaultRegistry } from '../faults/fault-registry.js';
import { costForMs, MICROS_PER_USD, usdToMicros } from '../internal/money.js';
import { Prng } from '../internal/prng.js';
import { type InstanceState, type SimulatedInstance, type VendorName } from '../model.js';
import { type FakeGpuNode } from '../node/fake-gpu-node.js';

export interface VastDetails {
  readonly kind: 'vastai';
  readonly bundle: VastBundle;
  readonly image: string | null;
  readonly templateHashId: string | null;
  readonly diskGb: number;
  readonly runtype: string;
  readonly env: Readonly<Record<string, string>>;
  readonly onstart: string | null;
  /** Sending `price` makes an interruptible bid. */
  readonly bidPriceUsd: number | null;
  /**
   * What the disk bills per hour while the instance is stopped (disk × storage_cost per GB-month,
   * over a 30-day month, as the instance listing states it): an outbid instance keeps billing this
   * until it is destroyed.
   */
  readonly storagePerHourMicros: number;
}

export interface TensorDockDetails {
  readonly kind: 'tensordock';
  readonly location: TensorDockLocation;
  readonly gpu: TensorDockGpu;
  readonly image: string;
  readonly vcpus: number;
  readonly ramGb: number;
  readonly storageGb: number;
  readonly dedicatedIp: boolean;
}

export interface BlueLobsterDetails {
  readonly kind: 'bluelobster';
  readonly type: BlueLobsterType;
  readonly region: BlueLobsterRegion;
  readonly username: string;
  readonly taskId: string;
  readonly templateName: string | null;
  /** How the launch task ends: completed, failed (with message) or never. */
  readonly taskOutcome: 'completed' | 'failed' | 'stuck' | 'cancelled';
  readonly taskMessage: string;
}

export type VendorDetails = VastDetails | TensorDockDetails | BlueLobsterDetails;

/** Mutable ground truth about one instance. */
export interface InstanceRecord {
  readonly vendor: VendorName;
  readonly id: string;
  readonly label: string;
  readonly vendorOfferId: string;
  readonly sku: GpuSku;
  readonly gpuCount: number;
  readonly pricePerHourUsd: number;
  readonly pricePerHourMicros: number;
  readonly createdAtMs: number;
  /**
   * When it becomes reachable; null if it never will (failed or stuck launch). Moves later only
   * when a boot hold is released after it (see `World.releaseBoot`).
   */
  runningAtMs: number | null;
  /** Held by `World.holdBoot`: not running (nor reachable) whatever the time, until released. */
  bootHeld: boolean;
  /** Billing stops here: destroy, vanish, or the planned failure time of a failed launch. */
  endAtMs: number | null;
  endState: 'destroyed' | 'vanished' | 'failed' | null;
  stoppedAtMs: number | null;
  stoppedStatus: string | null;
  /** What the owner last asked for: a stop call makes it `stopped`; an outbid leaves it `running`. */
  intendedStatus: 'running' | 'stopped';
  /** When another tenant's higher bid stopped this interruptible instance: its bid's bill ends there, its disk's goes on until destroyed. */
  preemptedAtMs: number | null;
  /** Bid changes, oldest first: each price bills from its `atMs` on. */
  priceChanges: { atMs: number; pricePerHourUsd: number; pricePerHourMicros: number }[];
  createOutcome: SimulatedInstance['createOutcome'];
  destroyRequests: number;
  node: FakeGpuNode | null;
  readonly details: VendorDetails;
}

export interface NewInstance {
  readonly vendor: VendorName;
  readonly id: string;
  readonly label: string;
  readonly vendorOfferId: string;
  readonly sku: GpuSku;
  readonly gpuCount: number;
  readonly pricePerHourUsd: number;
  readonly runningAtMs: number | null;
  readonly endAtMs?: number | null;
  readonly endState?: 'failed' | null;
  readonly details: VendorDetails;
}

export type VendorStatusFn = (record: InstanceRecord, nowMs: number) => string | null;

/**
 * Everything that exists at the fake vendors: instances (live and gone, never forgotten, so leaks
 * stay visible), what they cost, and which offers they occupy. State transitions are computed from
 * timestamps when read, so no timer has to run between requests.
 */
export class World {
  private records: InstanceRecord[] = [];
  private readonly byKey = new Map<string, InstanceRecord>();
  private readonly decidedInstanceFaults = new Set<string>();
  ids: Prng;
  private vastCounter: number;
  private outbids: Prng;
  private lastOutbidRollMs: number;
  private bootHoldActive = false;

  constructor(
    readonly catalog: GeneratedCatalog,
    private readonly faults: FaultRegistry,
    private readonly seed: number,
    private readonly vendorStatus: Readonly<Record<VendorName, VendorStatusFn>>,
    readonly now: () => number = Date.now,
    /** Other tenants' higher bids: expected outbids per running interruptible instance per hour (0: only on command). */
    private readonly outbidRatePerHour = 0,
  ) {
    this.ids = new Prng(seed, 'ids');
    this.vastCounter = 20_000_000 + this.ids.int(0, 900_000);
    this.outbids = new Prng(seed, 'outbids');
    this.lastOutbidRollMs = now();
  }

  nextVastId(): number {
    this.vastCounter += this.ids.int(1, 40);
    return this.vastCounter;
  }

  add(input: NewInstance): InstanceRecord {
    const record: InstanceRecord = {
      ...input,
      pricePerHourMicros: usdToMicros(input.pricePerHourUsd),
      createdAtMs: this.now(),
      endAtMs: input.endAtMs ?? null,
      endState: input.endState ?? null,
      stoppedAtMs: null,
      stoppedStatus: null,
      intendedStatus: 'running',
      preemptedAtMs: null,
      priceChanges: [],
      createOutcome: 'ok',
      destroyRequests: 0,
      node: null,
      bootHeld: this.bootHoldActive && input.runningAtMs !== null,
    };
    this.records.push(record);
    this.byKey.set(`${record.vendor}:${record.id}`, record);
    return record;
  }

  get(vendor: VendorName, id: string): InstanceRecord | undefined {
    return this.byKey.get(`${vendor}:${id}`);
  }

  all(vendor?: VendorName): readonly InstanceRecord[] {
    return vendor ? this.records.filter((r) => r.vendor === vendor) : this.records;
  }

  /** Records the vendor still reports (not destroyed, vanished or failed at `now`). */
  live(vendor: VendorName): InstanceRecord[] {
    const now = this.now();
    return this.records.filter((r) => r.vendor === vendor && !this.isGone(r, now));
  }

  isGone(record: InstanceRecord, nowMs = this.now()): boolean {
    return record.endAtMs !== null && nowMs >= record.endAtMs;
  }

  stateAt(record: InstanceRecord, nowMs = this.now()): InstanceState {
    if (record.endAtMs !== null && nowMs >= record.endAtMs) return record.endState ?? 'destroyed';
    if (record.preemptedAtMs !== null && nowMs >= record.preemptedAtMs) return 'preempted';
    if (record.stoppedAtMs !== null && nowMs >= record.stoppedAtMs) return 'stopped';
    if (hasBooted(record, nowMs)) return 'running';
    return 'provisioning';
  }

  /**
   * From now on no instance that is still booting (or created later) becomes running, whatever the
   * time, until `releaseBoot()`: a test can look at the provisioning state for as long as it needs.
   */
  holdBoot(): void {
    this.bootHoldActive = true;
    const now = this.now();
    for (const record of this.records) {
      if (record.runningAtMs !== null && now < record.runningAtMs && !this.isGone(record, now)) record.bootHeld = true;
    }
  }

  /**
   * Lets the held instances boot: one whose boot time has passed during the hold boots now, and its
   * node's later events (key propagation, the dpkg lock) move by the same amount. Returns how many.
   */
  releaseBoot(): number {
    this.bootHoldActive = false;
    const now = this.now();
    let released = 0;
    for (const record of this.records) {
      if (!record.bootHeld) continue;
      record.bootHeld = false;
      released++;
      if (record.runningAtMs === null) continue;
      const delayMs = Math.max(0, now - record.runningAtMs);
      record.runningAtMs += delayMs;
      record.node?.delayBoot(delayMs);
    }
    return released;
  }

  get bootHeld(): boolean {
    return this.bootHoldActive;
  }

  /** Ends an instance now: billing stops, its node goes away, its offer frees up. */
  async end(record: InstanceRecord, state: 'destroyed' | 'vanished'): Promise<void> {
    if (this.isGone(record)) return;
    record.endAtMs = this.now();
    record.endState = state;
    const node = record.node;
    record.node = null;
    await node?.close();
  }

  async stop(record: InstanceRecord, vendorStatus: string): Promise<void> {
    record.stoppedAtMs = this.now();
    record.stoppedStatus = vendorStatus;
    const node = record.node;
    record.node = null;
    await node?.close();
  }

  /** Whether `record` is an interruptible Vast instance that is running now (the only kind a bid can take). */
  isOutbiddable(record: InstanceRecord, nowMs = this.now()): boolean {
    return record.details.kind === 'vastai' && record.details.bidPriceUsd !== null && this.stateAt(record, nowMs) === 'running';
  }

  /**
   * Another tenant outbids an interruptible instance, as Vast does it: the container stops
   * (`stopped`, disk kept), the owner's intended status stays `running`, the bid's billing ends and
   * the disk's storage bills on until the instance is destroyed.
   */
  async outbid(record: InstanceRecord): Promise<boolean> {
    if (!this.isOutbiddable(record)) return false;
    record.preemptedAtMs = this.now();
    await this.stop(record, 'stopped');
    return true;
  }

  /** The hourly price now: the last bid change, or the price it was created at. */
  currentPrice(record: InstanceRecord): { pricePerHourUsd: number; pricePerHourMicros: number } {
    return record.priceChanges.at(-1) ?? { pricePerHourUsd: record.pricePerHourUsd, pricePerHourMicros: record.pricePerHourMicros };
  }

  /** A new bid on an interruptible instance: billed from now on. */
  changeBid(record: InstanceRecord, pricePerHourUsd: number): void {
    record.priceChanges.push({ atMs: this.now(), pricePerHourUsd, pricePerHourMicros: usdToMicros(pricePerHourUsd) });
  }

  /**
   * Random outbids: each running interruptible instance is outbid over the time since the last roll
   * with probability 1 − e^(−rate × hours), so the rate holds whatever the tick interval.
   */
  private async rollOutbids(now: number): Promise<void> {
    const hours = Math.max(0, now - this.lastOutbidRollMs) / 3_600_000;
    this.lastOutbidRollMs = now;
    if (this.outbidRatePerHour <= 0 || hours === 0) return;
    const p = 1 - Math.exp(-this.outbidRatePerHour * hours);
    for (const record of this.records) {
      if (this.isOutbiddable(record, now) && this.outbids.chance(p)) await this.outbid(record);
    }
  }

  /** Applies due instance faults (`vanish`, `instance_stopped`) and random outbids. Cheap when neither is active. */
  async tick(): Promise<void> {
    const now = this.now();
    await this.rollOutbids(now);
    if (!this.faults.hasActive(['vanish', 'instance_stopped'])) return;
    for (const record of this.records) {
      if (this.isGone(record, now) || this.stateAt(record, now) === 'stopped') continue;
      const fault = this.faults.takeInstanceFaults(
        { vendor: record.vendor, instanceId: record.id },
        (spec) => record.runningAtMs !== null && now >= record.runningAtMs + (spec.afterMs ?? 0),
        this.decidedInstanceFaults,
      );
      if (fault?.kind === 'vanish') await this.end(record, 'vanished');
      else if (fault?.kind === 'instance_stopped') await this.stop(record, fault.vendorStatus ?? DEFAULT_STOPPED_STATUS[record.vendor]);
    }
  }

  /** Counts of live rentals per offer unit, for availability. */
  occupancy(): { vast: Set<number>; tensordock: Map<string, number>; bluelobster: Map<string, number> } {
    const now = this.now();
    const vast = new Set<number>();
    const tensordock = new Map<string, number>();
    const bluelobster = new Map<string, number>();
    for (const record of this.records) {
      if (this.isGone(record, now)) continue;
      const d = record.details;
      if (d.kind === 'vastai') vast.add(d.bundle.wire.id);
      else if (d.kind === 'tensordock') {
        const key = `${d.location.id}/${d.gpu.v0Name}`;
        tensordock.set(key, (tensordock.get(key) ?? 0) + record.gpuCount);
      } else {
        const key = `${d.type.name}/${d.region.name}`;
        bluelobster.set(key, (bluelobster.get(key) ?? 0) + 1);
      }
    }
    return { vast, tensordock, bluelobster };
  }

  snapshot(record: InstanceRecord): SimulatedInstance {
    const now = this.now();
    // An outbid instance's bid bills until the outbid stopped it; each price from when it was set.
    const endedMs = Math.min(now, record.endAtMs ?? now);
    const billedUntil = Math.max(record.createdAtMs, Math.min(endedMs, record.preemptedAtMs ?? now));
    const billedMs = billedUntil - record.createdAtMs;
    const segments = [{ atMs: record.createdAtMs, pricePerHourMicros: record.pricePerHourMicros }, ...record.priceChanges];
    let costMicroUsd = 0;
    segments.forEach((segment, i) => {
      const from = Math.min(segment.atMs, billedUntil);
      const to = Math.min(segments[i + 1]?.atMs ?? billedUntil, billedUntil);
      costMicroUsd += costForMs(segment.pricePerHourMicros, Math.max(0, to - from));
    });
    // Then its disk, stopped but kept, from the outbid until it is destroyed (or now).
    const storageMs = record.preemptedAtMs === null ? 0 : Math.max(0, endedMs - record.preemptedAtMs);
    const storageCostMicroUsd = record.details.kind === 'vastai' ? costForMs(record.details.storagePerHourMicros, storageMs) : 0;
    costMicroUsd += storageCostMicroUsd;
    const price = this.currentPrice(record);
    const node = record.node;
    return {
      vendor: record.vendor,
      id: record.id,
      label: record.label,
      state: this.stateAt(record, now),
      vendorStatus: this.vendorStatus[record.vendor](record, now),
      vendorOfferId: record.vendorOfferId,
      gpuModel: record.sku.model,
      gpuCount: record.gpuCount,
      createdAt: new Date(record.createdAtMs).toISOString(),
      runningAt: record.runningAtMs === null || record.bootHeld || record.endState === 'failed' ? null : new Date(record.runningAtMs).toISOString(),
      endedAt: record.endAtMs !== null && now >= record.endAtMs ? new Date(record.endAtMs).toISOString() : null,
      createOutcome: record.createOutcome,
      destroyRequests: record.destroyRequests,
      sshHost: '127.0.0.1',
      sshPort: node?.port ?? null,
      sshUsers: node?.users ?? [],
      pricePerHourUsd: price.pricePerHourUsd,
      pricePerHourMicroUsd: price.pricePerHourMicros,
      billedSeconds: billedMs / 1000,
      bidPriceUsd: record.details.kind === 'vastai' && record.details.bidPriceUsd !== null ? price.pricePerHourUsd : null,
      preemptedAt: record.preemptedAtMs === null ? null : new Date(record.preemptedAtMs).toISOString(),
      storageBilledSeconds: storageMs / 1000,
      storageCostMicroUsd,
      costMicroUsd,
      costUsd: costMicroUsd / MICROS_PER_USD,
    };
  }

  async reset(): Promise<void> {
    this.bootHoldActive = false;
    const nodes = this.records.flatMap((r) => (r.node ? [r.node] : []));
    for (const record of this.records) record.node = null;
    this.records = [];
    this.byKey.clear();
    this.decidedInstanceFaults.clear();
    this.ids = new Prng(this.seed, 'ids');
    this.vastCounter = 20_000_000 + this.ids.int(0, 900_000);
    this.outbids = new Prng(this.seed, 'outbids');
    this.lastOutbidRollMs = this.now();
    await Promise.all(nodes.map((n) => n.close('graceful')));
  }

  async closeAllNodes(): Promise<void> {
    const nodes = this.records.flatMap((r) => (r.node ? [r.node] : []));
    for (const record of this.records) record.node = null;
    await Promise.all(nodes.map((n) => n.close('graceful')));
  }
}

/** Whether an instance is up at `nowMs`: its boot time has come and no boot hold keeps it back. */
export function hasBooted(record: InstanceRecord, nowMs: number): boolean {
  return record.runningAtMs !== null && nowMs >= record.runningAtMs && !record.bootHeld;
}

const DEFAULT_STOPPED_STATUS: Readonly<Record<VendorName, string>> = {
  vastai: 'exited',
  tensordock: 'stopped',
  bluelobster: 'stopped',
};
