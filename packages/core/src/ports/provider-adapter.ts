import { type Result } from '../errors/result.js';
import { type Offer } from '../inventory/offer.js';
import { type ProviderCapabilities, type ProviderName } from '../providers/provider-name.js';
import { type StoragePolicy, type WorkloadType } from '../sessions/session.js';
import { type VendorTemplate } from '../templates/vendor-template.js';
import { type ProviderError } from './provider-errors.js';

/**
 * Provider-neutral instance states. `stopped` still exists (and may bill): it is not "gone".
 * `preempted` is stopped by the vendor while we still want it running (an interruptible instance
 * outbid by a higher bid): it exists, keeps its disk, and does not run again on its own terms.
 */
export const INSTANCE_STATES = ['creating', 'starting', 'running', 'stopping', 'stopped', 'preempted', 'destroying', 'error', 'unknown'] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

export interface SshEndpoint {
  readonly host: string;
  readonly port: number;
  readonly user: string;
}

export interface ProviderInstance {
  readonly provider: ProviderName;
  readonly providerInstanceId: string;
  /** Our label as the provider stores it (name, label or tag); null when the instance has none. */
  readonly label: string | null;
  readonly state: InstanceState;
  readonly ssh: SshEndpoint | null;
  readonly pricePerHourMicros: number | null;
  readonly startedAt: Date | null;
  /** What the instance bills per hour while stopped (its disk), when the provider says; absent when unknown. */
  readonly storagePricePerHourMicros?: number | null;
}

export interface CreateInstanceRequest {
  readonly offer: Offer;
  readonly label: string;
  readonly sshPublicKey: string;
  readonly workloadType: WorkloadType;
  readonly storagePolicy: StoragePolicy;
  readonly templateHashId: string | null;
  readonly diskGb: number | null;
  readonly onStartScript: string | null;
  /**
   * A bid, µUSD per hour for the whole instance: rents the offer as interruptible (spot). Absent or
   * null rents on-demand. Adapters without interruptible rentals refuse a bid rather than ignore it.
   */
  readonly bidPricePerHourMicros?: number | null;
}

export interface CreatedInstance {
  readonly providerInstanceId: string;
  readonly ssh: SshEndpoint | null;
  readonly pricePerHourMicros: number | null;
  /**
   * When the create request actually left (after rate limiting): the provider bills from about
   * then, so the ledger starts there. Absent when unknown.
   */
  readonly requestSentAt?: Date;
}

/** What a successful destroy call did. */
export interface DestroyResult {
  /** The provider had no such instance (already destroyed, or never existed). */
  readonly alreadyGone: boolean;
  /**
   * When the request the provider answered was sent — after rate limiting and retries, so later
   * than the call — which is when an accepted destroy stopped the billing. Absent when unknown.
   */
  readonly requestSentAt?: Date;
}

/**
 * Port: one GPU vendor. Every method returns a Result: provider failures are expected, and the
 * caller must treat each class differently (not found ≠ transient ≠ unknown create outcome).
 * Implementations never retry a create, and never turn a failed listing into an empty one (invariant 5).
 */
export interface ProviderAdapter {
  readonly name: ProviderName;
  readonly capabilities: ProviderCapabilities;
  /** The whole catalogue (all pages); filtering happens in core, on the cache. */
  listOffers(signal?: AbortSignal): Promise<Result<Offer[], ProviderError>>;
  createInstance(request: CreateInstanceRequest, signal?: AbortSignal): Promise<Result<CreatedInstance, ProviderError>>;
  /** `ProviderNotFoundError` when the instance does not exist. */
  getInstance(providerInstanceId: string, signal?: AbortSignal): Promise<Result<ProviderInstance, ProviderError>>;
  /** Every instance whose label starts with `labelPrefix` (ours, from any deployment). */
  listInstances(labelPrefix: string, signal?: AbortSignal): Promise<Result<ProviderInstance[], ProviderError>>;
  /**
   * For vendors whose listing is paged: a listing read only as far as it must go to show every
   * instance in `providerInstanceIds` (it may show others too). An instance it does not show may
   * still exist: ask `getInstance`. Without it, callers list everything.
   */
  findInstances?(providerInstanceIds: readonly string[], signal?: AbortSignal): Promise<Result<ProviderInstance[], ProviderError>>;
  /**
   * Idempotent: destroying an instance that is already gone succeeds, with `alreadyGone` set, so the
   * caller can tell the call that stopped the billing from later ones that found nothing.
   */
  destroyInstance(providerInstanceId: string, signal?: AbortSignal): Promise<Result<DestroyResult, ProviderError>>;
  /**
   * Installs the session's public key on an existing instance, for vendors whose create does not
   * reliably install it (Vast attaches keys in a separate call). The saga calls it when it adopts an
   * instance found by label after an unknown create outcome or a crash, since that create may never
   * have reached the key step. Idempotent.
   */
  ensureSshKey?(providerInstanceId: string, sshPublicKey: string, signal?: AbortSignal): Promise<Result<void, ProviderError>>;
  /** Only when `capabilities.stopWithoutDestroy`: stops the instance and keeps its disk (it still exists, and bills storage). */
  stopInstance?(providerInstanceId: string, signal?: AbortSignal): Promise<Result<void, ProviderError>>;
  /** Interruptible instances only: sets a new bid (µUSD per hour for the whole instance). */
  changeBid?(providerInstanceId: string, bidPricePerHourMicros: number, signal?: AbortSignal): Promise<Result<void, ProviderError>>;
  /** Only when `capabilities.templates`: the vendor's recommended launch templates. */
  listTemplates?(signal?: AbortSignal): Promise<Result<VendorTemplate[], ProviderError>>;
  /** One template by hash id, recommended or not; `ProviderNotFoundError` when there is none. */
  getTemplate?(hashId: string, signal?: AbortSignal): Promise<Result<VendorTemplate, ProviderError>>;
}
