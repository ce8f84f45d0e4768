import {
  Err,
  Ok,
  ProviderInvalidRequestError,
  ProviderNotFoundError,
  ProviderOfferUnavailableError,
  ProviderUnknownOutcomeError,
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

import { wireAdapter, type AdapterCommonOptions, type AdapterRate } from '../http/adapter-client.js';
import { errorForStatus, type HttpResponse, type ProviderHttpClient } from '../http/http-client.js';
import { parseBody } from '../http/parse-body.js';
import { sleep } from '../http/rate-limiter.js';
import { gpuFields, joinLocation } from '../shared/offer-mapping.js';
import { checkInstanceId, checkSshPublicKey, refuseSpot, shellQuote } from '../shared/validation.js';
import { isStaleInventoryMessage } from './stale-inventory.js';
import {
  createResponseSchema,
  embeddedErrorSchema,
  instanceListResponseSchema,
  instanceResponseSchema,
  locationsResponseSchema,
  validationErrorsSchema,
  type TensorDockInstance,
  type TensorDockLocation,
} from './tensordock-schemas.js';

export const TENSORDOCK_DEFAULT_BASE_URL = 'https://dashboard.tensordock.com/api/v2';

/** Fixed VM shape: TensorDock is VM-based, and 100 GB is its minimum disk. */
export const TENSORDOCK_VM = { vcpuCount: 8, ramGb: 32, storageGb: 100 } as const;

export interface TensorDockAdapterOptions extends AdapterCommonOptions {
  /** TENSORDOCK_AUTH_ID: sent with the catalogue as a query parameter, next to the Bearer token. */
  readonly authId: string;
  /** TENSORDOCK_API_TOKEN: the Bearer token of every call. */
  readonly apiToken: string;
  /** @default https://dashboard.tensordock.com/api/v2 */
  readonly baseUrl?: string;
  /** `ubuntu2404` ships without NVIDIA drivers, so the default is 22.04. @default ubuntu2204 */
  readonly image?: string;
  /** Create often takes more than a minute; a timeout then is an unknown outcome. @default 120000 */
  readonly createTimeoutMs?: number;
  /** The v2 API allows 100 requests per minute per organisation. @default { perSecond: 100 / 60, burst: 10 } */
  readonly rateLimit?: AdapterRate;
}

const CAPABILITIES: ProviderCapabilities = { stopWithoutDestroy: false, templates: false, idleDetection: false, asyncCreate: true };

const LOCATION_ID_LENGTH = 36;

/** `tensordock-<36-char location uuid>-<v0Name>` → parts; the GPU name may itself contain dashes. */
export function parseTensorDockOfferId(id: string): { locationId: string; gpuName: string } | { error: string } {
  const trimmed = id.trim();
  if (!/^tensordock-/i.test(trimmed)) {
    return /^[0-9a-f-]{36}$/i.test(trimmed)
      ? { error: `'${trimmed}' is a bare location id; use the offer id (tensordock-<location>-<gpu>) from the inventory` }
      : { error: `'${trimmed}' is not a TensorDock offer id` };
  }
  const rest = trimmed.slice('tensordock-'.length);
  if (rest.length < LOCATION_ID_LENGTH + 2 || rest.charAt(LOCATION_ID_LENGTH) !== '-') {
    return { error: `'${trimmed}' is too short for tensordock-<location>-<gpu>` };
  }
  return { locationId: rest.slice(0, LOCATION_ID_LENGTH), gpuName: rest.slice(LOCATION_ID_LENGTH + 1) };
}

/**
 * cloud-init commands that install the key for both `root` and `user` (TensorDock's `ssh_key`
 * attribute and cloud-init's own key options do not install it) and repair the half-installed NVIDIA
 * driver of the stock image, then run the caller's start script last.
 */
export function tensorDockRunCommands(publicKey: string, onStartScript: string | null): string[] {
  const key = shellQuote(publicKey);
  const commands = [
    'mkdir -p /root/.ssh',
    'chmod 700 /root/.ssh',
    `echo ${key} > /root/.ssh/authorized_keys`,
    'chmod 600 /root/.ssh/authorized_keys',
    'chown root:root /root/.ssh/authorized_keys',
    'mkdir -p /home/user/.ssh',
    'chmod 700 /home/user/.ssh',
    'chown user:user /home/user/.ssh',
    `echo ${key} > /home/user/.ssh/authorized_keys`,
    'chmod 600 /home/user/.ssh/authorized_keys',
    'chown user:user /home/user/.ssh/authorized_keys',
    'systemctl stop unattended-upgrades || true; pkill -f unattended-upgrade || true',
    'for i in $(seq 1 120); do fuser /var/lib/dpkg/lock-frontend >/dev/null 2>&1 || break; sleep 5; done',
    'DEBIAN_FRONTEND=noninteractive dpkg --configure -a >> /var/log/cloud-init-nvidia.log 2>&1 || true',
    'nvidia-smi >/dev/null 2>&1 || { pkg=$(dpkg -l | awk \'/^i.  nvidia-dkms-/{print $2; exit}\'); if [ -n "$pkg" ]; then dpkg-reconfigure "$pkg"; else DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 install -y nvidia-driver-550; fi; } >> /var/log/cloud-init-nvidia.log 2>&1',
    'modprobe nvidia >> /var/log/cloud-init-nvidia.log 2>&1 || true',
  ];
  return onStartScript ? [...commands, onStartScript] : commands;
}

/** Statuses of a VM that no longer exists or bills; only its record lingers. */
const GONE_STATUSES = new Set(['terminated', 'deleted']);

/** TensorDock status → neutral state. */
export function tensorDockInstanceState(status: string | null | undefined): InstanceState {
  switch ((status ?? '').toLowerCase()) {
    case 'creating':
    case 'provisioning':
      return 'creating';
    case 'starting':
      return 'starting';
    case 'running':
      return 'running';
    case 'stopping':
      return 'stopping';
    // StoppedDisassociated: stopped with its GPU released; it still exists (and its disk bills).
    case 'stopped':
    case 'stoppeddisassociated':
      return 'stopped';
    case 'deleting':
      return 'destroying';
    case 'error':
      return 'error';
    default:
      return 'unknown';
  }
}

export class TensorDockAdapter implements ProviderAdapter {
  readonly name = 'tensordock' as const;
  readonly capabilities = CAPABILITIES;
  private readonly client: ProviderHttpClient;
  private readonly logger: Logger;
  private readonly now: () => Date;

  constructor(private readonly options: TensorDockAdapterOptions) {
    ({ logger: this.logger, now: this.now, client: this.client } = wireAdapter('tensordock', options, {
      baseUrl: options.baseUrl ?? TENSORDOCK_DEFAULT_BASE_URL,
      defaultRate: { perSecond: 100 / 60, burst: 10 },
      secrets: [options.authId, options.apiToken],
    }));
  }

  private get bearer(): Record<string, string> {
    return { Authorization: `Bearer ${this.options.apiToken}` };
  }

  async listOffers(signal?: AbortSignal): Promise<Result<Offer[], ProviderError>> {
    const operation = 'listOffers';
    // The vendor documents Bearer auth on every v2 call, /locations included; the older query
    // parameters are still sent because they are what this endpoint was seen to accept live.
    const sent = await this.client.send({
      method: 'GET',
      path: '/locations',
      headers: this.bearer,
      query: { api_key: this.options.authId, api_token: this.options.apiToken },
      operation,
      idempotent: true,
      ...(signal ? { signal } : {}),
    });
    if (!sent.ok) return sent;
    if (sent.val.status !== 200) return Err(errorForStatus(this.client, operation, sent.val, { idempotent: true }));
    const parsed = parseBody(this.client, operation, sent.val, locationsResponseSchema);
    if (!parsed.ok) return parsed;
    const fetchedAt = this.now();
    const locations = parsed.val?.data?.locations ?? [];
    return Ok(locations.flatMap((location) => this.toOffers(location, fetchedAt)));
  }

  private toOffers(location: TensorDockLocation, fetchedAt: Date): Offer[] {
    return (location.gpus ?? [])
      .filter((gpu) => gpu.max_count > 0)
      .map((gpu) => {
        // displayName is sometimes the raw v0 name; resolving either form gives the same SKU.
        const displayName = gpu.displayName?.trim() || gpu.v0Name;
        const vramMatch = /(\d+)\s*GB/i.exec(displayName) ?? /(\d+)\s*GB/i.exec(gpu.v0Name);
        const vramGbPerGpu = vramMatch?.[1] ? Number(vramMatch[1]) : 0;
        const pricing = gpu.pricing;
        // price_per_hr covers the GPU only; the fixed VM's CPU, RAM and disk are billed on top.
        const allInUsd =
          gpu.price_per_hr +
          TENSORDOCK_VM.vcpuCount * (pricing?.per_vcpu_hr ?? 0) +
          TENSORDOCK_VM.ramGb * (pricing?.per_gb_ram_hr ?? 0) +
          TENSORDOCK_VM.storageGb * (pricing?.per_gb_storage_hr ?? 0);
        const tier = location.tier ?? null;
        return {
          id: `tensordock-${location.id}-${gpu.v0Name}`,
          provider: 'tensordock' as const,
          providerOfferId: location.id,
          ...gpuFields(displayName, vramGbPerGpu),
          // One GPU is what a create rents; max_count is only how many the location has.
          gpuCount: 1,
          vramGbPerGpu,
          pricePerHourMicros: usdToMicros(allInUsd),
          location: joinLocation([location.city, location.stateprovince, location.country]),
          // Tier 4 exists: clamp instead of reporting 1.33.
          reliability: tier === null ? null : Math.max(0, Math.min(1, tier / 3)),
          cudaVersion: null,
          available: true,
          fetchedAt,
          capabilities: CAPABILITIES,
          templateHashIds: [],
          simulated: this.options.simulated ?? false,
        };
      });
  }

  async createInstance(request: CreateInstanceRequest, signal?: AbortSignal): Promise<Result<CreatedInstance, ProviderError>> {
    const operation = 'createInstance';
    const spot = refuseSpot('tensordock', 'TensorDock', request);
    if (!spot.ok) return spot;
    const offer = parseTensorDockOfferId(request.offer.id);
    if ('error' in offer) return Err(new ProviderInvalidRequestError(offer.error, this.client.context(operation)));
    const key = checkSshPublicKey('tensordock', operation, request.sshPublicKey);
    if (!key.ok) return key;

    const body = {
      data: {
        type: 'virtualmachine',
        attributes: {
          name: request.label,
          type: 'virtualmachine',
          image: this.options.image ?? 'ubuntu2204',
          location_id: offer.locationId,
          resources: {
            vcpu_count: TENSORDOCK_VM.vcpuCount,
            ram_gb: TENSORDOCK_VM.ramGb,
            storage_gb: TENSORDOCK_VM.storageGb,
            gpus: { [offer.gpuName]: { count: 1 } },
          },
          // A dedicated IP exposes port 22; port_forwards is silently ignored at some locations.
          useDedicatedIp: true,
          ssh_key: key.val,
          cloud_init: { runcmd: tensorDockRunCommands(key.val, request.onStartScript) },
        },
      },
    };
    const send = () =>
      this.client.send({
        method: 'POST',
        path: '/instances',
        headers: this.bearer,
        body,
        operation,
        idempotent: false,
        timeoutMs: this.options.createTimeoutMs ?? 120_000,
        ...(signal ? { signal } : {}),
      });
    let sent = await send();
    // TensorDock has answered 401 intermittently with valid credentials. A 401 means the request was
    // refused (nothing created), so one more try is safe.
    if (sent.ok && sent.val.status === 401) {
      await sleep(1000, signal);
      sent = await send();
    }
    if (!sent.ok) return sent;
    return this.interpretCreate(sent.val, request.offer.pricePerHourMicros);
  }

  private interpretCreate(response: HttpResponse, pricePerHourMicros: number): Result<CreatedInstance, ProviderError> {
    const operation = 'createInstance';
    const context = this.client.context(operation, response.status);
    const embedded = embeddedErrorSchema.safeParse(response.json);
    if (embedded.success) {
      // Never trust the HTTP status alone: a 200 can carry {"status": 400, "error": …}.
      const message = embedded.data.error ?? `status ${embedded.data.status}`;
      return Err(
        isStaleInventoryMessage(message)
          ? new ProviderOfferUnavailableError(`offer no longer available: ${this.client.snippet(message)}`, context)
          : new ProviderInvalidRequestError(`create refused: ${this.client.snippet(message)}`, context),
      );
    }
    if (response.status === 200 || response.status === 201) {
      const parsed = createResponseSchema.safeParse(response.json);
      if (!parsed.success || parsed.data.data.id.trim() === '') {
        // Accepted but unreadable, or no id: the VM may exist; the caller must look it up by name.
        return Err(new ProviderUnknownOutcomeError(`create answered without an instance id: ${this.client.snippet(response.text)}`, context));
      }
      return Ok({ providerInstanceId: parsed.data.data.id, ssh: null, pricePerHourMicros, requestSentAt: response.sentAt });
    }
    if (response.status >= 400 && response.status < 500 && response.status !== 401 && response.status !== 403 && response.status !== 429) {
      const validation = validationErrorsSchema.safeParse(response.json);
      const message = validation.success ? validation.data.map((issue) => issue.message).join('; ') : response.text;
      if (isStaleInventoryMessage(message)) {
        return Err(new ProviderOfferUnavailableError(`offer no longer available: ${this.client.snippet(message)}`, context));
      }
      return Err(new ProviderInvalidRequestError(`create refused: ${this.client.snippet(message)}`, context));
    }
    return Err(errorForStatus(this.client, operation, response, { idempotent: false }));
  }

  async getInstance(providerInstanceId: string, signal?: AbortSignal): Promise<Result<ProviderInstance, ProviderError>> {
    const operation = 'getInstance';
    const id = checkInstanceId('tensordock', operation, providerInstanceId);
    if (!id.ok) return id;
    const sent = await this.client.send({
      method: 'GET',
      path: `/instances/${encodeURIComponent(id.val)}`,
      headers: this.bearer,
      operation,
      idempotent: true,
      ...(signal ? { signal } : {}),
    });
    if (!sent.ok) return sent;
    if (sent.val.status !== 200) return Err(errorForStatus(this.client, operation, sent.val, { idempotent: true }));
    const parsed = parseBody(this.client, operation, sent.val, instanceResponseSchema);
    if (!parsed.ok) return parsed;
    if (GONE_STATUSES.has((parsed.val.status ?? '').toLowerCase())) {
      // A terminated VM no longer exists or bills; only its record lingers.
      return Err(new ProviderNotFoundError(`instance ${id.val} is terminated`, this.client.context(operation, 200)));
    }
    return Ok(this.toInstance(parsed.val));
  }

  async listInstances(labelPrefix: string, signal?: AbortSignal): Promise<Result<ProviderInstance[], ProviderError>> {
    const operation = 'listInstances';
    const sent = await this.client.send({ method: 'GET', path: '/instances', headers: this.bearer, operation, idempotent: true, ...(signal ? { signal } : {}) });
    if (!sent.ok) return sent;
    // Any non-200 is an error: reading a failed listing as "no instances" would make every live
    // session look like a ghost (invariant 5).
    if (sent.val.status !== 200) return Err(errorForStatus(this.client, operation, sent.val, { idempotent: true }));
    const parsed = parseBody(this.client, operation, sent.val, instanceListResponseSchema);
    if (!parsed.ok) return parsed;
    return Ok(
      parsed.val
        .filter((item) => !GONE_STATUSES.has((item.status ?? '').toLowerCase()))
        .map((item) => this.toInstance(item))
        .filter((instance) => (instance.label ?? '').startsWith(labelPrefix)),
    );
  }

  async destroyInstance(providerInstanceId: string, signal?: AbortSignal): Promise<Result<DestroyResult, ProviderError>> {
    const operation = 'destroyInstance';
    const id = checkInstanceId('tensordock', operation, providerInstanceId);
    if (!id.ok) return id;
    const sent = await this.client.send({
      method: 'DELETE',
      path: `/instances/${encodeURIComponent(id.val)}`,
      headers: this.bearer,
      operation,
      idempotent: true,
      ...(signal ? { signal } : {}),
    });
    if (!sent.ok) return sent;
    if (sent.val.status === 200 || sent.val.status === 204) return Ok({ alreadyGone: false, requestSentAt: sent.val.sentAt });
    if (sent.val.status === 404) return Ok({ alreadyGone: true, requestSentAt: sent.val.sentAt });
    return Err(errorForStatus(this.client, operation, sent.val, { idempotent: true }));
  }

  private toInstance(instance: TensorDockInstance): ProviderInstance {
    const forwards = instance.portForwards;
    const sshExternal = Array.isArray(forwards) ? forwards.find((forward) => forward.internal_port === 22)?.external_port : forwards?.['22'];
    const price = instance.rateHourly ?? instance.price_per_hour;
    const started = instance.created_at ? new Date(instance.created_at) : null;
    return {
      provider: 'tensordock',
      providerInstanceId: instance.id,
      label: instance.name ?? null,
      state: tensorDockInstanceState(instance.status),
      // With a dedicated IP there are usually no forwards and SSH is on 22; the login user is `user`.
      ssh: instance.ipAddress ? { host: instance.ipAddress, port: sshExternal ?? 22, user: 'user' } : null,
      pricePerHourMicros: typeof price === 'number' ? usdToMicros(price) : null,
      startedAt: started && !Number.isNaN(started.getTime()) ? started : null,
    };
  }
}
