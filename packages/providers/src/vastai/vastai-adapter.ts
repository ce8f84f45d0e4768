import {
  Err,
  Ok,
  ProviderInvalidRequestError,
  ProviderNotFoundError,
  ProviderOfferUnavailableError,
  ProviderUnknownOutcomeError,
  noopLogger,
  usdToMicros,
  type CreateInstanceRequest,
  type CreatedInstance,
  type DestroyResult,
  type InstanceState,
  type Logger,
  type Offer,
  type ProviderAdapter,
  type ProviderCapabilities,
  type ProviderError,
  type ProviderInstance,
  type Result,
} from '@gpu-shopper/core';

import { ProviderHttpClient, errorForStatus, type ProviderHttpClientOptions } from '../http/http-client.js';
import { parseBody } from '../http/parse-body.js';
import { TokenBucket } from '../http/rate-limiter.js';
import { gpuFields } from '../shared/offer-mapping.js';
import { checkInstanceId, checkSshPublicKey } from '../shared/validation.js';
import {
  vastBundlesResponseSchema,
  vastCreateResponseSchema,
  vastInstanceListResponseSchema,
  vastInstanceResponseSchema,
  type VastBundle,
  type VastInstance,
} from './vastai-schemas.js';

export const VASTAI_DEFAULT_BASE_URL = 'https://console.vast.ai/api/v0';
export const VASTAI_DEFAULT_IMAGE = 'nvidia/cuda:12.6.3-runtime-ubuntu22.04';

export interface VastAiAdapterOptions {
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
  /** Offers are marked as simulated (the built-in simulator stands in for Vast). */
  readonly simulated?: boolean;
  readonly now?: () => Date;
  readonly logger?: Logger;
  readonly http?: Partial<Pick<ProviderHttpClientOptions, 'fetch' | 'timeoutMs' | 'retries' | 'minBackoffMs' | 'maxBackoffMs' | 'onCall' | 'clock'>>;
  /** Vast throttles above ~4.5 requests/s per endpoint. @default { perSecond: 4, burst: 2 } */
  readonly rateLimit?: { perSecond: number; burst: number };
}

const CAPABILITIES: ProviderCapabilities = { stopWithoutDestroy: false, templates: true, idleDetection: false, asyncCreate: true };

/** actual_status → neutral state. `loading` can last an hour for big images: it is progress, not failure. */
export function vastInstanceState(actualStatus: string | null | undefined): InstanceState {
  switch (actualStatus ?? '') {
    case '':
    case 'created':
    case 'creating':
      return 'creating';
    case 'loading':
      return 'starting';
    case 'running':
      return 'running';
    case 'exited':
    case 'stopped':
      return 'stopped';
    case 'offline':
      return 'error';
    default:
      return 'unknown';
  }
}

/** `vastai-123`, `VASTAI-123`, ` 123 ` → 123 (offer ids arrive in several forms). */
export function parseVastOfferId(id: string): number | undefined {
  const bare = id.trim().replace(/^vastai-/i, '').trim();
  return /^\d+$/.test(bare) ? Number(bare) : undefined;
}

export class VastAiAdapter implements ProviderAdapter {
  readonly name = 'vastai' as const;
  readonly capabilities = CAPABILITIES;
  private readonly client: ProviderHttpClient;
  private readonly logger: Logger;
  private readonly now: () => Date;

  constructor(private readonly options: VastAiAdapterOptions) {
    this.logger = (options.logger ?? noopLogger).child({ provider: 'vastai' });
    this.now = options.now ?? (() => new Date());
    this.client = new ProviderHttpClient({
      provider: 'vastai',
      baseUrl: options.baseUrl ?? VASTAI_DEFAULT_BASE_URL,
      rateLimiter: new TokenBucket(options.rateLimit ?? { perSecond: 4, burst: 2 }),
      secrets: [options.apiKey],
      defaultHeaders: { Authorization: `Bearer ${options.apiKey}` },
      logger: this.logger,
      ...options.http,
    });
  }

  async listOffers(signal?: AbortSignal): Promise<Result<Offer[], ProviderError>> {
    const q = {
      rentable: { eq: true },
      type: 'on-demand',
      reliability2: { gte: this.options.minReliability ?? 0.95 },
      order: [['dph_total', 'asc']],
      limit: this.options.maxOffers ?? 2000,
    };
    const sent = await this.client.send({
      method: 'GET',
      path: '/bundles/',
      query: { q: JSON.stringify(q) },
      operation: 'listOffers',
      idempotent: true,
      ...(signal ? { signal } : {}),
    });
    if (!sent.ok) return sent;
    if (sent.val.status !== 200) return Err(errorForStatus(this.client, 'listOffers', sent.val, { idempotent: true }));
    const body = parseBody(this.client, 'listOffers', sent.val, vastBundlesResponseSchema);
    if (!body.ok) return body;
    const fetchedAt = this.now();
    return Ok(body.val.offers.map((bundle) => this.toOffer(bundle, fetchedAt)));
  }

  private toOffer(bundle: VastBundle, fetchedAt: Date): Offer {
    // gpu_ram is MB and slightly under nominal: round, don't truncate (32607 MB is a 32 GB card).
    const vramGbPerGpu = Math.round(bundle.gpu_ram / 1024);
    return {
      id: `vastai-${bundle.id}`,
      provider: 'vastai',
      providerOfferId: String(bundle.id),
      ...gpuFields(bundle.gpu_name, vramGbPerGpu),
      gpuCount: bundle.num_gpus,
      vramGbPerGpu,
      pricePerHourMicros: usdToMicros(bundle.dph_total),
      location: (bundle.geolocation ?? '').replace(/^\s*,\s*/, '').trim(),
      reliability: bundle.reliability2 === null || bundle.reliability2 === undefined ? null : Math.min(1, Math.max(0, bundle.reliability2)),
      cudaVersion: bundle.cuda_max_good === null || bundle.cuda_max_good === undefined ? null : String(bundle.cuda_max_good),
      available: (bundle.rentable ?? true) && !(bundle.rented ?? false),
      fetchedAt,
      capabilities: CAPABILITIES,
      templateHashIds: [],
      simulated: this.options.simulated ?? false,
    };
  }

  async createInstance(request: CreateInstanceRequest, signal?: AbortSignal): Promise<Result<CreatedInstance, ProviderError>> {
    const operation = 'createInstance';
    const bundleId = parseVastOfferId(request.offer.providerOfferId) ?? parseVastOfferId(request.offer.id);
    if (bundleId === undefined) {
      return Err(new ProviderInvalidRequestError(`'${request.offer.id}' is not a Vast.ai offer id`, this.client.context(operation)));
    }
    const key = checkSshPublicKey('vastai', operation, request.sshPublicKey);
    if (!key.ok) return key;

    // No `price`: sending one turns the rental into an interruptible bid that Vast may reclaim.
    const body: Record<string, unknown> = {
      client_id: 'me',
      disk: request.diskGb ?? this.options.defaultDiskGb ?? 50,
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
    if (response.status === 400 && response.text.includes('no_such_ask')) {
      return Err(new ProviderOfferUnavailableError(`offer ${bundleId} is no longer available`, this.client.context(operation, 400)));
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
    return Ok({ providerInstanceId: instanceId, ssh: null, pricePerHourMicros: request.offer.pricePerHourMicros, requestSentAt: response.sentAt });
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

  async listInstances(labelPrefix: string, signal?: AbortSignal): Promise<Result<ProviderInstance[], ProviderError>> {
    const operation = 'listInstances';
    const sent = await this.client.send({ method: 'GET', path: '/instances/', operation, idempotent: true, ...(signal ? { signal } : {}) });
    if (!sent.ok) return sent;
    if (sent.val.status !== 200) return Err(errorForStatus(this.client, operation, sent.val, { idempotent: true }));
    const parsed = parseBody(this.client, operation, sent.val, vastInstanceListResponseSchema);
    if (!parsed.ok) return parsed;
    return Ok(
      parsed.val.instances.map((instance) => this.toInstance(instance)).filter((instance) => (instance.label ?? '').startsWith(labelPrefix)),
    );
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

  private toInstance(instance: VastInstance): ProviderInstance {
    const state = vastInstanceState(instance.actual_status);
    const hasSsh = Boolean(instance.ssh_host) && typeof instance.ssh_port === 'number' && instance.ssh_port > 0;
    return {
      provider: 'vastai',
      providerInstanceId: String(instance.id),
      label: instance.label ?? null,
      state,
      ssh: hasSsh ? { host: instance.ssh_host ?? '', port: instance.ssh_port ?? 22, user: 'root' } : null,
      pricePerHourMicros: typeof instance.dph_total === 'number' ? usdToMicros(instance.dph_total) : null,
      startedAt: typeof instance.start_date === 'number' ? new Date(instance.start_date * 1000) : null,
    };
  }
}
