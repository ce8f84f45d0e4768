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
  private bootHoldActive = false;

  constructor(
    readonly catalog: GeneratedCatalog,
    private readonly faults: FaultRegistry,
    private readonly seed: number,
    private readonly vendorStatus: Readonly<Record<VendorName, VendorStatusFn>>,
    readonly now: () => number = Date.now,
  ) {
    this.ids = new Prng(seed, 'ids');
    this.vastCounter = 20_000_000 + this.ids.int(0, 900_000);
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

  /** Applies due instance faults (`vanish`, `instance_stopped`). Cheap when none are active. */
  async tick(): Promise<void> {
    if (!this.faults.hasActive(['vanish', 'instance_stopped'])) return;
    const now = this.now();
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
    const billedMs = Math.max(0, Math.min(now, record.endAtMs ?? now) - record.createdAtMs);
    const costMicroUsd = costForMs(record.pricePerHourMicros, billedMs);
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
      pricePerHourUsd: record.pricePerHourUsd,
      pricePerHourMicroUsd: record.pricePerHourMicros,
      billedSeconds: billedMs / 1000,
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
