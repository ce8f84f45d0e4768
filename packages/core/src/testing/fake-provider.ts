import { Err, Ok, type Result } from '../errors/result.js';
import { type Offer } from '../inventory/offer.js';
import {
  type CreateInstanceRequest,
  type CreatedInstance,
  type DestroyResult,
  type InstanceState,
  type ProviderAdapter,
  type ProviderInstance,
} from '../ports/provider-adapter.js';
import { ProviderInvalidRequestError, ProviderNotFoundError, type ProviderError } from '../ports/provider-errors.js';
import { type ProviderCapabilities, type ProviderName } from '../providers/provider-name.js';
import { type VendorTemplate } from '../templates/vendor-template.js';
import { type Clock } from '../time/clock.js';

export type FakeProviderOperation = 'listOffers' | 'createInstance' | 'getInstance' | 'listInstances' | 'destroyInstance' | 'stopInstance';

interface FakeInstance {
  providerInstanceId: string;
  label: string | null;
  state: InstanceState;
  pricePerHourMicros: number;
  startedAt: Date;
  /** The bid it was rented with (interruptible), null on-demand. */
  bidPricePerHourMicros: number | null;
}

/**
 * A stateful in-memory provider for core service tests: instances are created, listed and destroyed
 * for real, and any operation can be made to fail next (`failNext`) with any provider error. For
 * "create failed but the instance exists", use `failNext('createInstance', err, { stillCreate: true })`.
 */
export class FakeProvider implements ProviderAdapter {
  readonly calls: { operation: FakeProviderOperation; argument?: string }[] = [];
  /** Every create request received, in order (bids included), for assertions. */
  readonly createRequests: CreateInstanceRequest[] = [];
  private readonly instances = new Map<string, FakeInstance>();
  private readonly failures = new Map<FakeProviderOperation, { error: ProviderError; stillCreate: boolean }[]>();
  private nextInstanceNumber = 1;
  private createdState: InstanceState = 'starting';

  constructor(
    readonly name: ProviderName,
    private readonly clock: Clock,
    private offers: Offer[] = [],
    readonly capabilities: ProviderCapabilities = { stopWithoutDestroy: false, templates: false, idleDetection: false, asyncCreate: false },
  ) {}

  /** The state new instances start in (`running` skips the boot wait in tests). */
  setCreatedState(state: InstanceState): void {
    this.createdState = state;
  }

  setOffers(offers: Offer[]): void {
    this.offers = offers;
  }

  private storagePriceMicros: number | null = null;

  /** Gives the provider a stop call (storage policy `preserve`): stopped instances report this storage rate. */
  enableStop(storagePricePerHourMicros: number | null): void {
    this.storagePriceMicros = storagePricePerHourMicros;
    this.stopInstance = (providerInstanceId: string) => {
      this.calls.push({ operation: 'stopInstance', argument: providerInstanceId });
      const failure = this.takeFailure('stopInstance');
      if (failure) return Promise.resolve(Err(failure.error));
      const instance = this.instances.get(providerInstanceId);
      if (!instance) return Promise.resolve(Err(new ProviderNotFoundError(`instance ${providerInstanceId} not found`, { provider: this.name, operation: 'stopInstance', httpStatus: 404 })));
      instance.state = 'stopped';
      return Promise.resolve(Ok(undefined));
    };
  }

  stopInstance?: (providerInstanceId: string) => Promise<Result<void, ProviderError>>;

  private templates: VendorTemplate[] | null = null;

  /** Gives the provider a template catalogue (and the listTemplates/getTemplate methods). */
  setTemplates(templates: VendorTemplate[]): void {
    this.templates = templates;
    this.listTemplates = () => Promise.resolve(Ok([...(this.templates ?? [])].filter((t) => t.recommended)));
    this.getTemplate = (hashId: string) => {
      const found = this.templates?.find((t) => t.hashId === hashId);
      return Promise.resolve(found ? Ok(found) : Err(new ProviderNotFoundError(`template ${hashId} not found`, { provider: this.name, operation: 'getTemplate' })));
    };
  }

  listTemplates?: () => Promise<Result<VendorTemplate[], ProviderError>>;
  getTemplate?: (hashId: string) => Promise<Result<VendorTemplate, ProviderError>>;

  /** Makes the next call of `operation` fail with `error` (queued: call several times for several failures). */
  failNext(operation: FakeProviderOperation, error: ProviderError, options: { stillCreate?: boolean } = {}): void {
    const queue = this.failures.get(operation) ?? [];
    queue.push({ error, stillCreate: options.stillCreate ?? false });
    this.failures.set(operation, queue);
  }

  /** Adds an instance created outside the service (an orphan or someone else's). */
  addInstance(label: string | null, state: InstanceState = 'running'): ProviderInstance {
    const instance = this.storeInstance(label, state, 0);
    return this.toProviderInstance(instance);
  }

  /** Ground truth for assertions: every instance that still exists. */
  liveInstances(): ProviderInstance[] {
    return [...this.instances.values()].map((i) => this.toProviderInstance(i));
  }

  setInstanceState(providerInstanceId: string, state: InstanceState): void {
    const instance = this.instances.get(providerInstanceId);
    if (instance) instance.state = state;
  }

  /**
   * Another tenant outbids an interruptible instance: it reads `preempted` (stopped by the vendor,
   * still existing) until destroyed. Returns false for an unknown or on-demand instance.
   */
  preempt(providerInstanceId: string): boolean {
    const instance = this.instances.get(providerInstanceId);
    if (!instance || instance.bidPricePerHourMicros === null) return false;
    instance.state = 'preempted';
    return true;
  }

  /** The instance disappears on the provider's side (host failure, vendor cleanup). */
  vanish(providerInstanceId: string): void {
    this.instances.delete(providerInstanceId);
  }

  listOffers(): Promise<Result<Offer[], ProviderError>> {
    return this.call('listOffers', undefined, () => Ok(structuredClone(this.offers)));
  }

  createInstance(request: CreateInstanceRequest): Promise<Result<CreatedInstance, ProviderError>> {
    const failure = this.takeFailure('createInstance');
    this.calls.push({ operation: 'createInstance', argument: request.label });
    this.createRequests.push(request);
    // As the real adapters: only Vast.ai rents with a bid; an interruptible offer needs one.
    const bid = request.bidPricePerHourMicros ?? null;
    if (bid !== null && this.name !== 'vastai') {
      return Promise.resolve(Err(new ProviderInvalidRequestError(`${this.name} has no interruptible (spot) rentals`, { provider: this.name, operation: 'createInstance' })));
    }
    if (bid === null && request.offer.interruptible === true) {
      return Promise.resolve(Err(new ProviderInvalidRequestError(`offer ${request.offer.id} is interruptible: it is rented with a bid`, { provider: this.name, operation: 'createInstance' })));
    }
    // As Vast.ai: a bid bills the bid plus the disk's storage rate, which the spot offer's price includes.
    const storage = request.offer.minBidPerHourMicros == null ? 0 : Math.max(0, request.offer.pricePerHourMicros - request.offer.minBidPerHourMicros);
    const price = bid === null ? request.offer.pricePerHourMicros : bid + storage;
    if (failure) {
      if (failure.stillCreate) this.storeInstance(request.label, this.createdState, price, bid);
      return Promise.resolve(Err(failure.error));
    }
    const instance = this.storeInstance(request.label, this.createdState, price, bid);
    return Promise.resolve(
      Ok({ providerInstanceId: instance.providerInstanceId, ssh: null, pricePerHourMicros: instance.pricePerHourMicros }),
    );
  }

  getInstance(providerInstanceId: string): Promise<Result<ProviderInstance, ProviderError>> {
    return this.call('getInstance', providerInstanceId, () => {
      const instance = this.instances.get(providerInstanceId);
      return instance
        ? Ok(this.toProviderInstance(instance))
        : Err(new ProviderNotFoundError(`instance ${providerInstanceId} not found`, { provider: this.name, operation: 'getInstance', httpStatus: 404 }));
    });
  }

  listInstances(labelPrefix: string): Promise<Result<ProviderInstance[], ProviderError>> {
    return this.call('listInstances', labelPrefix, () =>
      Ok([...this.instances.values()].filter((i) => (i.label ?? '').startsWith(labelPrefix)).map((i) => this.toProviderInstance(i))),
    );
  }

  destroyInstance(providerInstanceId: string): Promise<Result<DestroyResult, ProviderError>> {
    return this.call('destroyInstance', providerInstanceId, () => {
      const existed = this.instances.delete(providerInstanceId);
      return Ok({ alreadyGone: !existed });
    });
  }

  private call<T>(operation: FakeProviderOperation, argument: string | undefined, run: () => Result<T, ProviderError>): Promise<Result<T, ProviderError>> {
    this.calls.push(argument === undefined ? { operation } : { operation, argument });
    const failure = this.takeFailure(operation);
    return Promise.resolve(failure ? Err(failure.error) : run());
  }

  private takeFailure(operation: FakeProviderOperation): { error: ProviderError; stillCreate: boolean } | undefined {
    return this.failures.get(operation)?.shift();
  }

  private storeInstance(label: string | null, state: InstanceState, pricePerHourMicros: number, bidPricePerHourMicros: number | null = null): FakeInstance {
    const instance: FakeInstance = {
      providerInstanceId: `${this.name}-i-${this.nextInstanceNumber++}`,
      label,
      state,
      pricePerHourMicros,
      startedAt: this.clock.now(),
      bidPricePerHourMicros,
    };
    this.instances.set(instance.providerInstanceId, instance);
    return instance;
  }

  private toProviderInstance(instance: FakeInstance): ProviderInstance {
    return {
      provider: this.name,
      providerInstanceId: instance.providerInstanceId,
      label: instance.label,
      state: instance.state,
      ssh: instance.state === 'running' ? { host: '127.0.0.1', port: 22, user: 'root' } : null,
      pricePerHourMicros: instance.pricePerHourMicros,
      startedAt: instance.startedAt,
      ...(this.stopInstance ? { storagePricePerHourMicros: this.storagePriceMicros } : {}),
    };
  }
}
