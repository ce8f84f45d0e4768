import {
  Err,
  Ok,
  microsToUsd,
  offerMatchesPricing,
  ProviderInvalidRequestError,
  ProviderNotFoundError,
  ProviderOfferUnavailableError,
  ProviderSchemaError,
  ProviderUnknownOutcomeError,
  usdToMicros,
  type CreateInstanceRequest,
  type CreatedInstance,
  type DestroyResult,
  type InstanceState,
  type Logger,
  type Offer,
  type OfferPricing,
  type ProviderAdapter,
  type ProviderCapabilities,
  type ProviderError,
  type ProviderInstance,
  type Result,
  type TemplateOperator,
  type TemplateProperty,
  type TemplateRequirement,
  type VendorTemplate,
} from '@gpu-shopper/core';

import { wireAdapter, type AdapterCommonOptions, type AdapterRate } from '../http/adapter-client.js';
import { errorForStatus, type ProviderHttpClient } from '../http/http-client.js';
import { JsonArrayStream } from '../http/json-array-stream.js';
import { parseBody } from '../http/parse-body.js';
import { gpuFields } from '../shared/offer-mapping.js';
import { checkInstanceId, checkSshPublicKey } from '../shared/validation.js';
import { isVastBundle, readVastBundles } from './vastai-bundles.js';
import {
  vastCreateResponseSchema,
  vastInstancePageSchema,
  vastInstanceResponseSchema,
  vastTemplatesResponseSchema,
  vastUserSchema,
  type VastBundle,
  type VastInstance,
  type VastTemplate,
} from './vastai-schemas.js';

export const VASTAI_DEFAULT_BASE_URL = 'https://console.vast.ai/api/v0';
export const VASTAI_DEFAULT_IMAGE = 'nvidia/cuda:12.6.3-runtime-ubuntu22.04';

export interface VastAiAdapterOptions extends AdapterCommonOptions {
  readonly apiKey: string;
  /** @default https://console.vast.ai/api/v0 */
  readonly baseUrl?: string;
  /** Floor sent with the offer search (Vast returns few offers per query; junk hosts crowd them out). @default 0.95 */
  readonly minReliability?: number;
  /** Upper bound of offers requested per search. @default 2000 */
  readonly maxOffers?: number;
  /** Disk for new instances when the request sets none; it cannot be changed later. @default 50 */
  readonly defaultDiskGb?: number;
  readonly image?: string;
  /**
   * Which offers `listOffers` returns: `on-demand` (one search, as before), `spot` (interruptible
   * offers, searched with `type: "bid"`), or `any` (both searches). @default on-demand
   */
  readonly pricing?: OfferPricing;
  /** Vast throttles above ~4.5 requests/s per endpoint. @default { perSecond: 4, burst: 2 } */
  readonly rateLimit?: AdapterRate;
}

const CAPABILITIES: ProviderCapabilities = { stopWithoutDestroy: true, templates: true, idleDetection: false, asyncCreate: true };

/** Vast search keys → the offer property they constrain; anything else is kept but not matched. */
const TEMPLATE_KEYS: Readonly<Record<string, TemplateProperty>> = {
  cuda_max_good: 'cuda_version',
  cuda_vers: 'cuda_version',
  gpu_ram: 'vram_mb_per_gpu',
  gpu_total_ram: 'vram_mb_total',
  gpu_totalram: 'vram_mb_total',
  num_gpus: 'gpu_count',
  gpu_name: 'gpu_name',
};
const TEMPLATE_OPERATORS: ReadonlySet<string> = new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'notin']);

/** `extra_filters` (`{"cuda_max_good":{"gte":12.4}}`, usually inside a string) → requirements; unreadable → none. */
export function vastTemplateRequirements(extraFilters: VastTemplate['extra_filters']): TemplateRequirement[] {
  let document: unknown = extraFilters;
  if (typeof extraFilters === 'string') {
    if (extraFilters.trim() === '') return [];
    try {
      document = JSON.parse(extraFilters) as unknown;
    } catch {
      return [];
    }
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return [];
  const requirements: TemplateRequirement[] = [];
  for (const [key, condition] of Object.entries(document as Record<string, unknown>)) {
    if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) continue;
    for (const [op, value] of Object.entries(condition as Record<string, unknown>)) {
      if (!TEMPLATE_OPERATORS.has(op)) continue;
      requirements.push({ key, property: TEMPLATE_KEYS[key] ?? 'unmapped', op: op as TemplateOperator, value });
    }
  }
  return requirements;
}

/** Most instances per page of the v1 listing (the API's own maximum). */
const VAST_INSTANCE_PAGE_SIZE = 25;
/** A listing longer than this is refused rather than followed forever (a cursor that never ends). */
const VAST_MAX_INSTANCE_PAGES = 400;

/** Vast's accepted range for a bid, USD per hour (API reference, change bid). */
const VAST_MIN_BID_USD = 0.001;
const VAST_MAX_BID_USD = 32;

/**
 * actual_status → neutral state. `loading` can last an hour for big images: it is progress, not
 * failure. `frozen` (paused, memory kept) still bills the GPU, so it is stopped, not gone;
 * `rebooting`/`restarting` come back on their own. A `stopped` container whose intended_status is
 * still `running` was stopped by Vast, not by us: an interruptible instance outbid by a higher bid
 * (Vast pauses it, disk kept, until it regains priority) — `preempted`, so the lifecycle can act.
 */
export function vastInstanceState(actualStatus: string | null | undefined, intendedStatus?: string | null): InstanceState {
  if (actualStatus === 'stopped' && intendedStatus === 'running') return 'preempted';
  switch (actualStatus ?? '') {
    case '':
    case 'created':
    case 'creating':
      return 'creating';
    case 'loading':
    case 'rebooting':
    case 'restarting':
      return 'starting';
    case 'running':
      return 'running';
    case 'exited':
    case 'stopped':
    case 'frozen':
      return 'stopped';
    case 'offline':
      return 'error';
    default:
      return 'unknown';
  }
}

/** Responses that mean "this offer cannot be rented any more": taken (400/404/410 `no_such_ask`) or not ours to rent (403). */
function isGoneOffer(status: number, text: string): boolean {
  if ((status === 400 || status === 404 || status === 410) && text.includes('no_such_ask')) return true;
  // 403 "Offer … is not your own" is about that offer, not our key: another offer may work.
  return status === 403 && /not your own/i.test(text);
}

/** `vastai-123`, `VASTAI-123`, ` 123 `, `vastai-spot-123` → 123 (offer ids arrive in several forms). */
export function parseVastOfferId(id: string): number | undefined {
  const bare = id.trim().replace(/^vastai-(spot-)?/i, '').trim();
  return /^\d+$/.test(bare) ? Number(bare) : undefined;
}

/** A search answer being read as it arrives. */
interface StreamedListing {
  readonly stream: JsonArrayStream;
  readonly offers: Offer[];
  /** The first problems with bundles (the answer is refused if there are any). */
  readonly issues: string[];
  /** Bundles refused so far, so each problem names its bundle's index. */
  skipped: number;
}

/** An offer while it is being built. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class VastAiAdapter implements ProviderAdapter {
  readonly name = 'vastai' as const;
  readonly capabilities = CAPABILITIES;
  private readonly client: ProviderHttpClient;
  private readonly logger: Logger;
  private readonly now: () => Date;

  constructor(private readonly options: VastAiAdapterOptions) {
    ({ logger: this.logger, now: this.now, client: this.client } = wireAdapter('vastai', options, {
      baseUrl: options.baseUrl ?? VASTAI_DEFAULT_BASE_URL,
      defaultRate: { perSecond: 4, burst: 2 },
      secrets: [options.apiKey],
      defaultHeaders: { Authorization: `Bearer ${options.apiKey}` },
    }));
  }

  /** The v1 API lives beside v0: `…/api/v0` → `…/api/v1`. */
  private get v1BaseUrl(): string {
    return (this.options.baseUrl ?? VASTAI_DEFAULT_BASE_URL).replace(/\/+$/, '').replace(/\/v0$/, '/v1');
  }

  private get diskGb(): number {
    return this.options.defaultDiskGb ?? 50;
  }

  /**
   * The catalogue for `pricing` (the adapter's own by default). `any` runs both searches at once
   * (a cold listing waits for one round trip, not two), and either failing fails the listing: half
   * a catalogue would look like offers that vanished.
   */
  async listOffers(signal?: AbortSignal, pricing: OfferPricing = this.options.pricing ?? 'on-demand'): Promise<Result<Offer[], ProviderError>> {
    const kinds = [false, true].filter((interruptible) => offerMatchesPricing({ interruptible }, pricing));
    const found = await Promise.all(kinds.map((interruptible) => this.searchOffers(interruptible, signal)));
    const offers: Offer[] = [];
    for (const result of found) {
      if (!result.ok) return result;
      offers.push(...result.val);
    }
    return Ok(offers);
  }

  private async searchOffers(interruptible: boolean, signal?: AbortSignal): Promise<Result<Offer[], ProviderError>> {
    // POST with the query as the body is the documented search (the official CLI's since 2024).
    // allocated_storage makes dph_total include the disk a create will rent; without it Vast
    // prices an 8 GB disk and the offer looks cheaper than the instance bills. `type: "bid"` is
    // the CLI's `search offers --type bid` (interruptible): the offers carry `min_bid`.
    const query = {
      rentable: { eq: true },
      type: interruptible ? 'bid' : 'on-demand',
      reliability2: { gte: this.options.minReliability ?? 0.95 },
      order: [['dph_total', 'asc']],
      limit: this.options.maxOffers ?? 2000,
      allocated_storage: this.diskGb,
    };
    // The answer is read while it arrives: each run of complete bundles is parsed, checked and
    // mapped at once, so little is left when the last byte lands (see JsonArrayStream).
    let streamed: StreamedListing | undefined;
    const sent = await this.client.send({
      method: 'POST',
      path: '/bundles/',
      body: query,
      operation: 'listOffers',
      idempotent: true,
      bodySink: ({ status }) => {
        streamed = undefined;
        if (status !== 200) return undefined;
        // Offers are stamped when the answer starts arriving.
        const fetchedAt = this.now();
        const reading: StreamedListing = {
          offers: [],
          issues: [],
          stream: new JsonArrayStream('offers', (items) => {
            for (const item of items) {
              const index = reading.offers.length + reading.skipped;
              if (isVastBundle(item, `offers.${index}`, reading.issues)) reading.offers.push(this.offerFrom(item, interruptible, fetchedAt));
              else reading.skipped++;
            }
          }),
          skipped: 0,
        };
        streamed = reading;
        return reading.stream;
      },
      ...(signal ? { signal } : {}),
    });
    if (!sent.ok) return sent;
    const response = sent.val;
    if (response.status !== 200) return Err(errorForStatus(this.client, 'listOffers', response, { idempotent: true }));
    if (streamed?.stream.complete) return streamed.issues.length === 0 ? Ok(streamed.offers) : Err(this.contractError(streamed.issues, response.status));
    // Not the usual shape (a single bundle, keys in another order, invalid JSON): the whole body.
    if (response.json === undefined) {
      return Err(new ProviderSchemaError(`expected JSON, got: ${this.client.snippet(response.text) || 'an empty body'}`, this.client.context('listOffers', response.status)));
    }
    const read = readVastBundles(response.json);
    if (!read.ok) return Err(this.contractError(read.issues, response.status));
    const fetchedAt = this.now();
    return Ok(read.bundles.map((bundle) => this.offerFrom(bundle, interruptible, fetchedAt)));
  }

  private contractError(issues: readonly string[], status: number): ProviderSchemaError {
    return new ProviderSchemaError(`response does not match the contract (${issues.slice(0, 3).join('; ')})`, this.client.context('listOffers', status));
  }

  private offerFrom(bundle: VastBundle, interruptible: boolean, fetchedAt: Date): Offer {
    return interruptible ? this.toInterruptibleOffer(bundle, fetchedAt) : this.toOffer(bundle, fetchedAt);
  }

  /**
   * An offer from the bid search. Its price is the minimum bid plus the disk's storage rate (the
   * bid buys GPU time; Vast bills the disk beside it, and keeps billing it when the instance is
   * outbid). Without a stated minimum bid the on-demand price is the only safe figure.
   */
  private toInterruptibleOffer(bundle: VastBundle, fetchedAt: Date): Offer {
    const minBidUsd = typeof bundle.min_bid === 'number' && bundle.min_bid > 0 ? bundle.min_bid : null;
    const price = minBidUsd === null ? this.priceWithDisk(bundle) : minBidUsd + this.storagePerHourUsd(bundle);
    const offer = this.toOffer(bundle, fetchedAt, `vastai-spot-${bundle.id}`, usdToMicros(price));
    offer.interruptible = true;
    offer.minBidPerHourMicros = minBidUsd === null ? null : usdToMicros(minBidUsd);
    return offer;
  }

  /** The rented disk's storage rate per hour (storage_cost is USD per GB per 30-day month); 0 when unstated. */
  private storagePerHourUsd(bundle: VastBundle): number {
    return typeof bundle.storage_cost === 'number' && bundle.storage_cost > 0 ? (this.diskGb * bundle.storage_cost) / (30 * 24) : 0;
  }

  /**
   * Built field by field rather than with spreads: a listing maps thousands of bundles after its
   * body arrived, and spreading into object literals costs several times a plain literal.
   */
  private toOffer(bundle: VastBundle, fetchedAt: Date, id = `vastai-${bundle.id}`, pricePerHourMicros = usdToMicros(this.priceWithDisk(bundle))): Mutable<Offer> {
    // gpu_ram is MB and slightly under nominal: round, don't truncate (32607 MB is a 32 GB card).
    const vramGbPerGpu = Math.round(bundle.gpu_ram / 1024);
    const gpu = gpuFields(bundle.gpu_name, vramGbPerGpu);
    const offer: Mutable<Offer> = {
      id,
      provider: 'vastai',
      providerOfferId: String(bundle.id),
      gpuType: gpu.gpuType,
      gpuName: gpu.gpuName,
      gpuKnown: gpu.gpuKnown,
      gpuCount: bundle.num_gpus,
      vramGbPerGpu,
      pricePerHourMicros,
      location: (bundle.geolocation ?? '').replace(/^\s*,\s*/, '').trim(),
      reliability: bundle.reliability2 === null || bundle.reliability2 === undefined ? null : Math.min(1, Math.max(0, bundle.reliability2)),
      cudaVersion: bundle.cuda_max_good === null || bundle.cuda_max_good === undefined ? null : String(bundle.cuda_max_good),
      available: (bundle.rentable ?? true) && !(bundle.rented ?? false),
      fetchedAt,
      capabilities: CAPABILITIES,
      templateHashIds: [],
      simulated: this.options.simulated ?? false,
    };
    // Several offers can share one machine: the machine is what a retry must avoid.
    if (typeof bundle.machine_id === 'number') offer.hostId = `vastai-machine-${bundle.machine_id}`;
    return offer;
  }

  /**
   * The hourly price with the disk we rent. dph_total already includes it when Vast honoured
   * allocated_storage; when the bundle also carries dph_base and storage_cost the price is rebuilt
   * from them, and the higher of the two is shown so an offer never looks cheaper than it bills.
   */
  private priceWithDisk(bundle: VastBundle): number {
    if (typeof bundle.dph_base !== 'number' || typeof bundle.storage_cost !== 'number') return bundle.dph_total;
    const hours = 30 * 24;
    return Math.max(bundle.dph_total, bundle.dph_base + (this.diskGb * bundle.storage_cost) / hours);
  }

  async createInstance(request: CreateInstanceRequest, signal?: AbortSignal): Promise<Result<CreatedInstance, ProviderError>> {
    const operation = 'createInstance';
    const bundleId = parseVastOfferId(request.offer.providerOfferId) ?? parseVastOfferId(request.offer.id);
    if (bundleId === undefined) {
      return Err(new ProviderInvalidRequestError(`'${request.offer.id}' is not a Vast.ai offer id`, this.client.context(operation)));
    }
    const key = checkSshPublicKey('vastai', operation, request.sshPublicKey);
    if (!key.ok) return key;
    const bid = this.checkBid(request);
    if (!bid.ok) return bid;

    // `price` only with a bid: sending one turns the rental into an interruptible bid that Vast may
    // stop when outbid; without it the offer is rented on-demand at its dph_total.
    const body: Record<string, unknown> = {
      client_id: 'me',
      ...(bid.val === null ? {} : { price: microsToUsd(bid.val) }),
      disk: request.diskGb ?? this.diskGb,
      label: request.label,
      runtype: 'ssh_proxy',
      ssh_key: key.val,
      ...(request.onStartScript ? { onstart: request.onStartScript } : {}),
      ...(request.templateHashId ? { template_hash_id: request.templateHashId } : { image: this.options.image ?? VASTAI_DEFAULT_IMAGE }),
    };
    const sent = await this.client.send({
      method: 'PUT',
      path: `/asks/${bundleId}/`,
      body,
      operation,
      idempotent: false,
      ...(signal ? { signal } : {}),
    });
    if (!sent.ok) return sent;
    const response = sent.val;
    // Vast documents a taken offer under 404 (3603) and 410 (3907) as well as 400: recognised by
    // its body, so the saga tries another offer instead of failing the session.
    if (isGoneOffer(response.status, response.text)) {
      return Err(
        new ProviderOfferUnavailableError(`offer ${bundleId} is no longer available: ${this.client.snippet(response.text)}`, this.client.context(operation, response.status)),
      );
    }
    if (response.status !== 200 && response.status !== 201) {
      return Err(errorForStatus(this.client, operation, response, { idempotent: false }));
    }
    const parsed = parseBody(this.client, operation, response, vastCreateResponseSchema);
    if (!parsed.ok) {
      // A 2xx we cannot read may still have rented the machine: the caller must look it up by label.
      return Err(new ProviderUnknownOutcomeError(parsed.err.message, this.client.context(operation, response.status)));
    }
    const contract = parsed.val.new_contract ?? 0;
    if (contract <= 0) {
      const reason = parsed.val.error ?? parsed.val.msg ?? 'no contract created';
      return Err(new ProviderInvalidRequestError(`create refused: ${this.client.snippet(reason)}`, this.client.context(operation, response.status)));
    }
    const instanceId = String(contract);
    // The key in the create body does not reliably reach the host; attaching it again is what works.
    // A failure here is not fatal: SSH verification will notice a missing key.
    const attached = await this.ensureSshKey(instanceId, key.val, signal);
    if (!attached.ok) {
      this.logger.warn('attaching the SSH key failed; continuing', { providerInstanceId: instanceId, error: attached.err.message });
    }
    return Ok({ providerInstanceId: instanceId, ssh: null, pricePerHourMicros: this.rentedPrice(request.offer, bid.val), requestSentAt: response.sentAt });
  }

  /**
   * The bid to send (µUSD per hour), null for on-demand. An interruptible offer without a bid is
   * refused (Vast would rent it on-demand at a price nobody chose), and so is a bid under the
   * offer's minimum (it would never run) or outside Vast's accepted range.
   */
  private checkBid(request: CreateInstanceRequest): Result<number | null, ProviderError> {
    const context = this.client.context('createInstance');
    const bid = request.bidPricePerHourMicros ?? null;
    if (bid === null) {
      if (request.offer.interruptible === true) return Err(new ProviderInvalidRequestError(`offer ${request.offer.id} is interruptible: it is rented with a bid`, context));
      return Ok(null);
    }
    if (!Number.isInteger(bid) || microsToUsd(bid) < VAST_MIN_BID_USD || microsToUsd(bid) > VAST_MAX_BID_USD) {
      return Err(new ProviderInvalidRequestError(`a bid must be between $${VAST_MIN_BID_USD} and $${VAST_MAX_BID_USD} per hour`, context));
    }
    const minimum = request.offer.minBidPerHourMicros ?? null;
    if (minimum !== null && bid < minimum) {
      return Err(new ProviderInvalidRequestError(`a bid of $${microsToUsd(bid)}/h is under the offer's minimum bid of $${microsToUsd(minimum)}/h: it would never run`, context));
    }
    return Ok(bid);
  }

  /** What the new instance bills per hour: the offer's price, or for a bid the bid plus the disk's storage rate the offer's price includes. */
  private rentedPrice(offer: Offer, bid: number | null): number {
    if (bid === null) return offer.pricePerHourMicros;
    const storage = offer.interruptible === true && typeof offer.minBidPerHourMicros === 'number' ? Math.max(0, offer.pricePerHourMicros - offer.minBidPerHourMicros) : 0;
    return bid + storage;
  }

  /**
   * `PUT /instances/bid_price/{id}/` with `{"client_id": "me", "price": …}` (the official CLI's
   * `change bid`): a higher bid can win back an outbid instance; Vast answers `{"success": true}`.
   */
  async changeBid(providerInstanceId: string, bidPricePerHourMicros: number, signal?: AbortSignal): Promise<Result<void, ProviderError>> {
    const operation = 'changeBid';
    const id = checkInstanceId('vastai', operation, providerInstanceId);
    if (!id.ok) return id;
    const usd = microsToUsd(bidPricePerHourMicros);
    if (!Number.isInteger(bidPricePerHourMicros) || usd < VAST_MIN_BID_USD || usd > VAST_MAX_BID_USD) {
      return Err(new ProviderInvalidRequestError(`a bid must be between $${VAST_MIN_BID_USD} and $${VAST_MAX_BID_USD} per hour`, this.client.context(operation)));
    }
    const sent = await this.client.send({
      method: 'PUT',
      path: `/instances/bid_price/${id.val}/`,
      body: { client_id: 'me', price: usd },
      operation,
      idempotent: true,
      ...(signal ? { signal } : {}),
    });
    if (!sent.ok) return sent;
    if (sent.val.status === 404) return Err(new ProviderNotFoundError(`instance ${id.val} not found`, this.client.context(operation, 404)));
    if (sent.val.status !== 200) return Err(errorForStatus(this.client, operation, sent.val, { idempotent: true }));
    const parsed = parseBody(this.client, operation, sent.val, vastCreateResponseSchema);
    if (!parsed.ok) return parsed;
    if (parsed.val.success === false) {
      return Err(new ProviderInvalidRequestError(`bid refused: ${this.client.snippet(parsed.val.msg ?? parsed.val.error ?? 'no reason given')}`, this.client.context(operation, 200)));
    }
    return Ok(undefined);
  }

  /** `POST /instances/{id}/ssh/`: the way a key reliably reaches a Vast host (idempotent). */
  async ensureSshKey(providerInstanceId: string, sshPublicKey: string, signal?: AbortSignal): Promise<Result<void, ProviderError>> {
    const operation = 'attachSshKey';
    const id = checkInstanceId('vastai', operation, providerInstanceId);
    if (!id.ok) return id;
    const key = checkSshPublicKey('vastai', operation, sshPublicKey);
    if (!key.ok) return key;
    const sent = await this.client.send({
      method: 'POST',
      path: `/instances/${id.val}/ssh/`,
      body: { ssh_key: key.val },
      operation,
      idempotent: true,
      ...(signal ? { signal } : {}),
    });
    if (!sent.ok) return sent;
    if (sent.val.status >= 300) return Err(errorForStatus(this.client, operation, sent.val, { idempotent: true }));
    return Ok(undefined);
  }

  async getInstance(providerInstanceId: string, signal?: AbortSignal): Promise<Result<ProviderInstance, ProviderError>> {
    const operation = 'getInstance';
    const id = checkInstanceId('vastai', operation, providerInstanceId);
    if (!id.ok) return id;
    const sent = await this.client.send({ method: 'GET', path: `/instances/${id.val}/`, operation, idempotent: true, ...(signal ? { signal } : {}) });
    if (!sent.ok) return sent;
    if (sent.val.status !== 200) return Err(errorForStatus(this.client, operation, sent.val, { idempotent: true }));
    const parsed = parseBody(this.client, operation, sent.val, vastInstanceResponseSchema);
    if (!parsed.ok) return parsed;
    // Vast answers a deleted instance with 200 and `{"instances": null}`.
    if (parsed.val.instances === null) {
      return Err(new ProviderNotFoundError(`instance ${id.val} not found`, this.client.context(operation, 200)));
    }
    return Ok(this.toInstance(parsed.val.instances));
  }

  /**
   * Every instance, through the paginated v1 listing (v0's is deprecated). One failed page fails
   * the whole listing: a partial list would make the missing instances look like ghosts.
   */
  async listInstances(labelPrefix: string, signal?: AbortSignal): Promise<Result<ProviderInstance[], ProviderError>> {
    const listed = await this.pageInstances('asc', () => false, signal);
    if (!listed.ok) return listed;
    return Ok(listed.val.map((instance) => this.toInstance(instance)).filter((instance) => (instance.label ?? '').startsWith(labelPrefix)));
  }

  /**
   * The v1 listing newest first, read only as far as the wanted instances: it stops at the page
   * that shows the last of them, or that goes below the oldest of them (ids only grow, so nothing
   * further down can be one). Instances being waited for are the newest on the account, so this is
   * usually one page where the whole listing is one page per 25 instances. `order_by` takes
   * `{"col", "dir"}` keys — the official CLI (vast-ai/vast-cli, vast.py, `show instances-v1
   * --order-by id desc`) sends `[{"col": "id", "dir": "desc"}]`; its default is id ascending.
   */
  async findInstances(providerInstanceIds: readonly string[], signal?: AbortSignal): Promise<Result<ProviderInstance[], ProviderError>> {
    const wanted = new Set(providerInstanceIds.filter((id) => /^\d+$/.test(id)).map(Number));
    if (wanted.size === 0) return Ok([]);
    const oldest = Math.min(...wanted);
    const listed = await this.pageInstances(
      'desc',
      (page) => {
        for (const instance of page) wanted.delete(instance.id);
        const last = page.at(-1);
        return wanted.size === 0 || (last !== undefined && last.id <= oldest);
      },
      signal,
    );
    if (!listed.ok) return listed;
    return Ok(listed.val.map((instance) => this.toInstance(instance)));
  }

  /** Pages of the v1 listing in id order until the last page or until `enough` says so. */
  private async pageInstances(dir: 'asc' | 'desc', enough: (page: readonly VastInstance[]) => boolean, signal?: AbortSignal): Promise<Result<VastInstance[], ProviderError>> {
    const operation = 'listInstances';
    const all: VastInstance[] = [];
    let afterToken: string | null = null;
    for (let page = 0; page < VAST_MAX_INSTANCE_PAGES; page++) {
      const query: Record<string, string> = {
        select_filters: '{}',
        order_by: JSON.stringify([{ col: 'id', dir }]),
        limit: String(VAST_INSTANCE_PAGE_SIZE),
        ...(afterToken ? { after_token: afterToken } : {}),
      };
      const sent = await this.client.send({ method: 'GET', path: '/instances/', baseUrl: this.v1BaseUrl, query, operation, idempotent: true, ...(signal ? { signal } : {}) });
      if (!sent.ok) return sent;
      if (sent.val.status !== 200) return Err(errorForStatus(this.client, operation, sent.val, { idempotent: true }));
      const parsed = parseBody(this.client, operation, sent.val, vastInstancePageSchema);
      if (!parsed.ok) return parsed;
      all.push(...parsed.val.instances);
      const next = parsed.val.next_token ?? null;
      if (next === null || parsed.val.instances.length === 0 || enough(parsed.val.instances)) return Ok(all);
      if (next === afterToken) break;
      afterToken = next;
    }
    return Err(new ProviderSchemaError(`the instance listing did not end after ${VAST_MAX_INSTANCE_PAGES} pages`, this.client.context(operation, 200)));
  }

  async destroyInstance(providerInstanceId: string, signal?: AbortSignal): Promise<Result<DestroyResult, ProviderError>> {
    const operation = 'destroyInstance';
    const id = checkInstanceId('vastai', operation, providerInstanceId);
    if (!id.ok) return id;
    const sent = await this.client.send({ method: 'DELETE', path: `/instances/${id.val}/`, operation, idempotent: true, ...(signal ? { signal } : {}) });
    if (!sent.ok) return sent;
    const status = sent.val.status;
    // Destroy is idempotent: an instance that is already gone is the wanted outcome.
    if (status === 200 || status === 204) return Ok({ alreadyGone: false, requestSentAt: sent.val.sentAt });
    if (status === 404) return Ok({ alreadyGone: true, requestSentAt: sent.val.sentAt });
    return Err(errorForStatus(this.client, operation, sent.val, { idempotent: true }));
  }

  /** `GET /users/current/`: the account credit (read-only; Vast is the one vendor with a balance API). */
  async getAccountBalance(signal?: AbortSignal): Promise<Result<{ amountUsd: number; currency: 'USD' }, ProviderError>> {
    const operation = 'getBalance';
    const sent = await this.client.send({ method: 'GET', path: '/users/current/', operation, idempotent: true, ...(signal ? { signal } : {}) });
    if (!sent.ok) return sent;
    if (sent.val.status !== 200) return Err(errorForStatus(this.client, operation, sent.val, { idempotent: true }));
    const parsed = parseBody(this.client, operation, sent.val, vastUserSchema);
    if (!parsed.ok) return parsed;
    return Ok({ amountUsd: parsed.val.credit, currency: 'USD' });
  }

  /** `GET /template/` with the recommended filter: Vast's curated set (the full list has thousands of user templates). */
  async listTemplates(signal?: AbortSignal): Promise<Result<VendorTemplate[], ProviderError>> {
    return this.searchTemplates('listTemplates', { recommended: { eq: true } }, signal);
  }

  /** Any public template by hash id; `ProviderNotFoundError` when Vast has none. */
  async getTemplate(hashId: string, signal?: AbortSignal): Promise<Result<VendorTemplate, ProviderError>> {
    const operation = 'getTemplate';
    if (!/^[A-Za-z0-9]{1,64}$/.test(hashId)) return Err(new ProviderNotFoundError(`no template ${hashId.slice(0, 80)}`, this.client.context(operation)));
    const found = await this.searchTemplates(operation, { hash_id: { eq: hashId } }, signal);
    if (!found.ok) return found;
    const template = found.val.find((t) => t.hashId === hashId);
    return template ? Ok(template) : Err(new ProviderNotFoundError(`no template ${hashId}`, this.client.context(operation, 200)));
  }

  private async searchTemplates(operation: string, filters: Record<string, unknown>, signal?: AbortSignal): Promise<Result<VendorTemplate[], ProviderError>> {
    // The official CLI's query: every column, the filters as a JSON object.
    const query = { select_cols: JSON.stringify(['*']), select_filters: JSON.stringify(filters) };
    const sent = await this.client.send({ method: 'GET', path: '/template/', query, operation, idempotent: true, ...(signal ? { signal } : {}) });
    if (!sent.ok) return sent;
    if (sent.val.status !== 200) return Err(errorForStatus(this.client, operation, sent.val, { idempotent: true }));
    const parsed = parseBody(this.client, operation, sent.val, vastTemplatesResponseSchema);
    if (!parsed.ok) return parsed;
    return Ok(parsed.val.templates.map((t) => this.toTemplate(t)));
  }

  private toTemplate(t: VastTemplate): VendorTemplate {
    return {
      provider: 'vastai',
      id: t.id,
      hashId: t.hash_id,
      name: t.name ?? '',
      image: t.image ?? '',
      tag: t.tag ?? null,
      env: t.env ?? null,
      onStart: t.onstart ?? null,
      runtype: t.runtype ?? null,
      argsStr: t.args_str ?? null,
      useSsh: t.use_ssh ?? false,
      sshDirect: t.ssh_direct ?? false,
      recommended: t.recommended ?? false,
      recommendedDiskGb: t.recommended_disk_space ?? null,
      extraFilters: t.extra_filters === null || t.extra_filters === undefined ? null : typeof t.extra_filters === 'string' ? t.extra_filters : JSON.stringify(t.extra_filters),
      requirements: vastTemplateRequirements(t.extra_filters),
      creatorId: t.creator_id ?? null,
      createdAt: typeof t.created_at === 'number' ? new Date(t.created_at * 1000) : null,
      countCreated: t.count_created ?? null,
    };
  }

  /**
   * `PUT /instances/{id}/` with `{"state": "stopped"}` (the official CLI's `stop instance`): the GPU is
   * released, the disk is kept and still billed; the instance exists until destroyed.
   */
  async stopInstance(providerInstanceId: string, signal?: AbortSignal): Promise<Result<void, ProviderError>> {
    const operation = 'stopInstance';
    const id = checkInstanceId('vastai', operation, providerInstanceId);
    if (!id.ok) return id;
    const sent = await this.client.send({ method: 'PUT', path: `/instances/${id.val}/`, body: { state: 'stopped' }, operation, idempotent: true, ...(signal ? { signal } : {}) });
    if (!sent.ok) return sent;
    if (sent.val.status === 404) return Err(new ProviderNotFoundError(`instance ${id.val} not found`, this.client.context(operation, 404)));
    if (sent.val.status !== 200) return Err(errorForStatus(this.client, operation, sent.val, { idempotent: true }));
    const parsed = parseBody(this.client, operation, sent.val, vastCreateResponseSchema);
    if (!parsed.ok) return parsed;
    if (parsed.val.success === false) {
      return Err(new ProviderInvalidRequestError(`stop refused: ${this.client.snippet(parsed.val.msg ?? parsed.val.error ?? 'no reason given')}`, this.client.context(operation, 200)));
    }
    return Ok(undefined);
  }

  private toInstance(instance: VastInstance): ProviderInstance {
    const state = vastInstanceState(instance.actual_status, instance.intended_status);
    const hasSsh = Boolean(instance.ssh_host) && typeof instance.ssh_port === 'number' && instance.ssh_port > 0;
    return {
      provider: 'vastai',
      providerInstanceId: String(instance.id),
      label: instance.label ?? null,
      state,
      ssh: hasSsh ? { host: instance.ssh_host ?? '', port: instance.ssh_port ?? 22, user: 'root' } : null,
      pricePerHourMicros: typeof instance.dph_total === 'number' ? usdToMicros(instance.dph_total) : null,
      startedAt: typeof instance.start_date === 'number' ? new Date(instance.start_date * 1000) : null,
      // A stopped instance still bills its disk: storage_cost (USD per GB-month) × disk, per hour of a 30-day month.
      ...(typeof instance.storage_cost === 'number' && typeof instance.disk_space === 'number' && instance.storage_cost >= 0 && instance.disk_space >= 0
        ? { storagePricePerHourMicros: usdToMicros((instance.storage_cost * instance.disk_space) / (30 * 24)) }
        : {}),
    };
  }
}
