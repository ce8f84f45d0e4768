/** Public shapes shared by the simulator's modules and its typed control surface. */

export const VENDOR_NAMES = ['vastai', 'tensordock', 'bluelobster'] as const;
export type VendorName = (typeof VENDOR_NAMES)[number];

/**
 * Vendor API operations, named the same for every vendor so one fault can target "every create".
 * `attachSshKey`, `getBalance`, `listTemplates`, `stopInstance` and `changeBid` exist on Vast only, `getTask` on Blue Lobster only.
 */
export const OPERATIONS = [
  'listOffers',
  'createInstance',
  'getInstance',
  'listInstances',
  'destroyInstance',
  'attachSshKey',
  'getTask',
  'getBalance',
  'listTemplates',
  'stopInstance',
  'changeBid',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export const VENDOR_OPERATIONS: Readonly<Record<VendorName, readonly Operation[]>> = {
  vastai: ['listOffers', 'createInstance', 'getInstance', 'listInstances', 'destroyInstance', 'attachSshKey', 'getBalance', 'listTemplates', 'stopInstance', 'changeBid'],
  tensordock: ['listOffers', 'createInstance', 'getInstance', 'listInstances', 'destroyInstance'],
  bluelobster: ['listOffers', 'createInstance', 'getInstance', 'listInstances', 'destroyInstance', 'getTask'],
};

/** One rentable offer as generated, with its current availability. */
export interface SimulatedOffer {
  readonly vendor: VendorName;
  /** What the vendor's create call names: Vast bundle id, TensorDock location id, Blue Lobster instance type. */
  readonly vendorOfferId: string;
  /** TensorDock GPU `v0Name`, Blue Lobster region; null for Vast. */
  readonly variant: string | null;
  /** The GPU name exactly as the vendor's listing spells it (Vast `gpu_name`, TensorDock `displayName`, Blue Lobster `gpu_model`). */
  readonly rawGpuName: string;
  /** Canonical short model ("RTX 4090"), what a correct adapter normalises the raw name to. */
  readonly gpuModel: string;
  /** The name nvidia-smi prints on a node rented from this offer. */
  readonly smiName: string;
  /** GPUs per rental (TensorDock: `max_count`, the most available at the location). */
  readonly gpuCount: number;
  /** memory.total per GPU as nvidia-smi reports it. */
  readonly vramMiB: number;
  /** The advertised hourly price in USD (TensorDock: GPU-only `price_per_hr`). */
  readonly pricePerHourUsd: number;
  readonly location: string;
  /** False while every unit of this offer is rented. */
  readonly available: boolean;
}

/** `preempted`: an interruptible (bid) instance stopped by another tenant's higher bid. */
export type InstanceState = 'provisioning' | 'running' | 'stopped' | 'preempted' | 'destroyed' | 'vanished' | 'failed';

/** Ground truth about one instance the simulator ever created, with its bill. */
export interface SimulatedInstance {
  readonly vendor: VendorName;
  /** The vendor's instance id (Vast contract id, TensorDock VM id, Blue Lobster vm_uuid). */
  readonly id: string;
  /** Vast `label`, TensorDock `name`, Blue Lobster `name`. */
  readonly label: string;
  readonly state: InstanceState;
  /** The raw status the vendor API reports right now (null when it reports none). */
  readonly vendorStatus: string | null;
  readonly vendorOfferId: string;
  readonly gpuModel: string;
  readonly gpuCount: number;
  readonly createdAt: string;
  /** When the instance became (or will become) reachable; null if it never will. */
  readonly runningAt: string | null;
  /** When billing stopped: destroyed, vanished or failed. */
  readonly endedAt: string | null;
  /** Whether the create request was answered as a success ('ok') or not. */
  readonly createOutcome: 'ok' | 'error_response' | 'connection_dropped' | 'hung';
  /** Destroy requests that reached the vendor for this instance, successful or not. */
  readonly destroyRequests: number;
  readonly sshHost: string;
  /** The fake node's real port on 127.0.0.1; null when the instance has no node. */
  readonly sshPort: number | null;
  /** Users whose keys the node accepts (once installed and propagated). */
  readonly sshUsers: readonly string[];
  /** The current hourly price (a changed bid counts from when it was changed). */
  readonly pricePerHourUsd: number;
  readonly pricePerHourMicroUsd: number;
  /** Billed time from creation to end (or now), with millisecond precision. */
  readonly billedSeconds: number;
  /** Vast: the current bid of an interruptible instance (the create's `price`, or the last change); null for on-demand and other vendors. */
  readonly bidPriceUsd: number | null;
  /** When another tenant's higher bid stopped it (its bid's billing ends there); null otherwise. */
  readonly preemptedAt: string | null;
  /** Time its disk billed alone: from the outbid until destroyed (or now); 0 when never outbid. */
  readonly storageBilledSeconds: number;
  /** What that storage cost (part of `costMicroUsd`): Vast bills a stopped instance's disk until it is destroyed. */
  readonly storageCostMicroUsd: number;
  /** Everything it billed: its price(s) while it ran, plus its disk while stopped by an outbid. */
  readonly costMicroUsd: number;
  readonly costUsd: number;
}

/** One vendor API request as the simulator received it (credentials are fake, so kept verbatim). */
export interface RecordedRequest {
  readonly at: string;
  readonly vendor: VendorName;
  readonly operation: Operation | null;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body, or the raw text when it is not JSON, or null when empty. */
  readonly body: unknown;
  /** Response status; null when no response was sent (hang, dropped connection). */
  readonly status: number | null;
  /** Id of the fault that shaped the response, if any. */
  readonly faultId: string | null;
}
