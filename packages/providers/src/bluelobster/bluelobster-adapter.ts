import {
  Err,
  Ok,
  ProviderInvalidRequestError,
  ProviderOfferUnavailableError,
  ProviderUnavailableError,
  ProviderUnknownOutcomeError,
  centsToMicros,
  resolveGpu,
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
import { checkInstanceId, checkSshPublicKey, refuseSpot } from '../shared/validation.js';
import { blueLobsterNameToLabel, labelToBlueLobsterName } from './bluelobster-names.js';
import {
  availableResponseSchema,
  errorEnvelopeSchema,
  instanceListSchema,
  instanceSchema,
  launchResponseSchema,
  taskResponseSchema,
  type BlueLobsterAvailableItem,
  type BlueLobsterInstance,
} from './bluelobster-schemas.js';

export const BLUELOBSTER_DEFAULT_BASE_URL = 'https://api.bluelobster.ai/api/v1';

export interface BlueLobsterAdapterOptions extends AdapterCommonOptions {
  readonly apiKey: string;
  /** @default https://api.bluelobster.ai/api/v1 */
  readonly baseUrl?: string;
  /** Sent for completeness; the API ignores it and always boots Ubuntu 22.04. @default UBUNTU-22-04-NV */
  readonly templateName?: string;
  /** How often the launch task is polled. @default 3000 */
  readonly taskPollIntervalMs?: number;
  /** How long a launch may take before the outcome is reported as unknown. @default 300000 */
  readonly taskTimeoutMs?: number;
  /** Applies to every call, task polls included. @default { perSecond: 2, burst: 3 } */
  readonly rateLimit?: AdapterRate;
}

const CAPABILITIES: ProviderCapabilities = { stopWithoutDestroy: false, templates: false, idleDetection: false, asyncCreate: true };

/** power_status → neutral state; null with an IP is how running VMs report themselves. */
export function blueLobsterInstanceState(instance: Pick<BlueLobsterInstance, 'power_status' | 'ip_address'>): InstanceState {
  const power = (instance.power_status ?? '').toLowerCase();
  if (power === '') return instance.ip_address ? 'running' : 'creating';
  if (power === 'running') return 'running';
  if (power === 'stopped' || power === 'paused') return 'stopped';
  return 'unknown';
}

/**
 * Final task statuses other than COMPLETED: FAILED and CANCELLED are documented; the others are
 * spellings a task API may use for the same end. An unrecognised status is treated as progress
 * (the deadline still bounds the wait), since ending early on it could abandon a VM being built.
 */
const TASK_FINAL_FAILURE = /^(FAILED|FAILURE|ERROR|ERRORED|CANCELLED|CANCELED|ABORTED|REJECTED|EXPIRED|TIMEOUT|TIMED_OUT)$/;

/** Error text from any of the three envelopes, or the raw body. */
function errorMessage(client: ProviderHttpClient, response: HttpResponse): string {
  const envelope = errorEnvelopeSchema.safeParse(response.json);
  if (!envelope.success) return client.snippet(response.text) || `HTTP ${response.status}`;
  if ('detail' in envelope.data) {
    const { error, message } = envelope.data.detail;
    return client.snippet(message ? `${error}: ${message}` : error);
  }
  const { error, message, errors } = envelope.data;
  const fields = (errors ?? []).map((e) => `${e.field ?? '?'}: ${e.message ?? 'invalid'}`).join(', ');
  return client.snippet(`${error}${message ? `: ${message}` : ''}${fields ? ` [${fields}]` : ''}`);
}

export class BlueLobsterAdapter implements ProviderAdapter {
  readonly name = 'bluelobster' as const;
  readonly capabilities = CAPABILITIES;
  private readonly client: ProviderHttpClient;
  private readonly logger: Logger;
  private readonly now: () => Date;

  constructor(private readonly options: BlueLobsterAdapterOptions) {
    ({ logger: this.logger, now: this.now, client: this.client } = wireAdapter('bluelobster', options, {
      baseUrl: options.baseUrl ?? BLUELOBSTER_DEFAULT_BASE_URL,
      defaultRate: { perSecond: 2, burst: 3 },
      secrets: [options.apiKey],
      defaultHeaders: { 'X-API-Key': options.apiKey },
    }));
  }

  private fail(operation: string, response: HttpResponse, idempotent: boolean): ProviderError {
    const message = errorMessage(this.client, response);
    // 409 is how Blue Lobster says "no capacity for this type in this region": try another offer.
    if (response.status === 409) return new ProviderOfferUnavailableError(message, this.client.context(operation, 409));
    return errorForStatus(this.client, operation, response, { idempotent, message: `HTTP ${response.status}: ${message}` });
  }

  async listOffers(signal?: AbortSignal): Promise<Result<Offer[], ProviderError>> {
    const operation = 'listOffers';
    const sent = await this.client.send({ method: 'GET', path: '/instances/available', operation, idempotent: true, ...(signal ? { signal } : {}) });
    if (!sent.ok) return sent;
    if (sent.val.status !== 200) return Err(this.fail(operation, sent.val, true));
    const parsed = parseBody(this.client, operation, sent.val, availableResponseSchema);
    if (!parsed.ok) return parsed;
    const fetchedAt = this.now();
    return Ok(parsed.val.data.flatMap((item) => this.toOffers(item, fetchedAt)));
  }

  private toOffers(item: BlueLobsterAvailableItem, fetchedAt: Date): Offer[] {
    const { specs } = item.instance_type;
    // CPU-only types are listed too; they are not GPU offers.
    if (specs.gpus === 0) return [];
    const model = Array.isArray(specs.gpu_model) ? specs.gpu_model[0] : specs.gpu_model;
    const rawName = model?.trim() || item.instance_type.name;
    // The API has no VRAM field (memory_gib is system RAM): VRAM comes from the GPU catalogue.
    const resolution = resolveGpu(rawName);
    const vramGbPerGpu = resolution.known ? resolution.sku.vramGb : 0;
    return (item.regions_with_capacity_available ?? []).map((region) => ({
      id: `bluelobster:${item.instance_type.name}:${region.name}`,
      provider: 'bluelobster' as const,
      providerOfferId: item.id,
      ...gpuFields(rawName),
      gpuCount: specs.gpus,
      vramGbPerGpu,
      pricePerHourMicros: centsToMicros(item.instance_type.price_cents_per_hour),
      location: joinLocation([region.location?.city, region.location?.state, region.location?.country]) || region.name,
      // Blue Lobster publishes no reliability figure; unknown is not zero.
      reliability: null,
      cudaVersion: null,
      available: true,
      fetchedAt,
      capabilities: CAPABILITIES,
      templateHashIds: [],
      simulated: this.options.simulated ?? false,
    }));
  }

  async createInstance(request: CreateInstanceRequest, signal?: AbortSignal): Promise<Result<CreatedInstance, ProviderError>> {
    const operation = 'createInstance';
    const spot = refuseSpot('bluelobster', 'Blue Lobster', request);
    if (!spot.ok) return spot;
    const parts = request.offer.id.trim().split(':');
    if (parts.length !== 3 || parts[0] !== 'bluelobster' || !parts[1] || !parts[2]) {
      return Err(new ProviderInvalidRequestError(`'${request.offer.id}' is not a Blue Lobster offer id (bluelobster:<type>:<region>)`, this.client.context(operation)));
    }
    const [, instanceType, region] = parts;
    const key = checkSshPublicKey('bluelobster', operation, request.sshPublicKey);
    if (!key.ok) return key;
    const name = labelToBlueLobsterName(request.label);
    if (!name) {
      return Err(new ProviderInvalidRequestError(`label '${request.label}' cannot be written as a Blue Lobster instance name`, this.client.context(operation)));
    }

    const launched = await this.client.send({
      method: 'POST',
      path: '/instances/launch-instance',
      body: {
        region,
        instance_type: instanceType,
        username: 'ubuntu',
        // Trimmed: a trailing newline fails the API's key validation.
        ssh_key: key.val,
        name,
        template_name: this.options.templateName ?? 'UBUNTU-22-04-NV',
        // Accepted but not stored by the API; the name carries the label.
        metadata: { gpushop_label: request.label },
      },
      operation,
      idempotent: false,
      ...(signal ? { signal } : {}),
    });
    if (!launched.ok) return launched;
    if (launched.val.status < 200 || launched.val.status >= 300) return Err(this.fail(operation, launched.val, false));
    const launch = launchResponseSchema.safeParse(launched.val.json);
    if (!launch.success || launch.data.task_id.trim() === '') {
      return Err(new ProviderUnknownOutcomeError(`launch answered without a task id: ${this.client.snippet(launched.val.text)}`, this.client.context(operation, launched.val.status)));
    }

    const vmId = await this.waitForTask(launch.data.task_id, launch.data.vm_uuid ?? null, signal);
    if (!vmId.ok) return vmId;
    const instance = await this.getInstance(vmId.val, signal);
    if (!instance.ok) {
      // The task says the VM exists; failing to read it now must not hide that.
      return Ok({ providerInstanceId: vmId.val, ssh: null, pricePerHourMicros: request.offer.pricePerHourMicros, requestSentAt: launched.val.sentAt });
    }
    return Ok({
      providerInstanceId: vmId.val,
      ssh: instance.val.ssh,
      pricePerHourMicros: instance.val.pricePerHourMicros ?? request.offer.pricePerHourMicros,
      requestSentAt: launched.val.sentAt,
    });
  }

  /** Polls the launch task until it completes (→ VM id), fails, or times out (→ unknown outcome). */
  private async waitForTask(taskId: string, launchVmId: string | null, signal?: AbortSignal): Promise<Result<string, ProviderError>> {
    const operation = 'createInstance';
    const id = checkInstanceId('bluelobster', 'pollTask', taskId);
    if (!id.ok) return Err(new ProviderUnknownOutcomeError(`launch returned an unusable task id`, this.client.context(operation)));
    const deadline = performance.now() + (this.options.taskTimeoutMs ?? 300_000);
    const interval = this.options.taskPollIntervalMs ?? 3000;
    for (;;) {
      const polled = await this.client.send({ method: 'GET', path: `/tasks/${encodeURIComponent(id.val)}`, operation: 'pollTask', idempotent: true, ...(signal ? { signal } : {}) });
      if (signal?.aborted) {
        return Err(new ProviderUnknownOutcomeError(`cancelled while waiting for launch task ${taskId}`, this.client.context(operation)));
      }
      const task = polled.ok && polled.val.status === 200 ? taskResponseSchema.safeParse(polled.val.json) : undefined;
      if (task?.success) {
        const status = task.data.status.toUpperCase();
        if (status === 'COMPLETED') {
          const vmId = task.data.params?.vm_uuid ?? launchVmId;
          if (!vmId) return Err(new ProviderUnknownOutcomeError(`task ${taskId} completed without a VM id`, this.client.context(operation)));
          return Ok(vmId);
        }
        // Waiting out the timeout on a task that will never complete would end as an unknown outcome.
        if (TASK_FINAL_FAILURE.test(status)) {
          const message = this.client.snippet(task.data.message ?? `launch task ${status.toLowerCase()}`);
          return Err(
            status === 'FAILED' && /capacity/i.test(message)
              ? new ProviderOfferUnavailableError(message, this.client.context(operation))
              : new ProviderUnavailableError(`launch task ${status}: ${message}`, this.client.context(operation)),
          );
        }
      } else {
        // A failed poll is not a failed launch: keep polling until the deadline.
        this.logger.warn('polling the launch task failed; retrying', { taskId, error: polled.ok ? `HTTP ${polled.val.status}` : polled.err.message });
      }
      if (performance.now() + interval > deadline) {
        return Err(
          new ProviderUnknownOutcomeError(
            `launch task ${taskId} did not finish in time${launchVmId ? ` (vm ${launchVmId})` : ''}; the VM may still appear`,
            this.client.context(operation),
          ),
        );
      }
      try {
        await sleep(interval, signal);
      } catch {
        return Err(new ProviderUnknownOutcomeError(`cancelled while waiting for launch task ${taskId}`, this.client.context(operation)));
      }
    }
  }

  async getInstance(providerInstanceId: string, signal?: AbortSignal): Promise<Result<ProviderInstance, ProviderError>> {
    const operation = 'getInstance';
    const id = checkInstanceId('bluelobster', operation, providerInstanceId);
    if (!id.ok) return id;
    const sent = await this.client.send({ method: 'GET', path: `/instances/${encodeURIComponent(id.val)}`, operation, idempotent: true, ...(signal ? { signal } : {}) });
    if (!sent.ok) return sent;
    if (sent.val.status !== 200) return Err(this.fail(operation, sent.val, true));
    const parsed = parseBody(this.client, operation, sent.val, instanceSchema);
    if (!parsed.ok) return parsed;
    return Ok(this.toInstance(parsed.val));
  }

  async listInstances(labelPrefix: string, signal?: AbortSignal): Promise<Result<ProviderInstance[], ProviderError>> {
    const operation = 'listInstances';
    const sent = await this.client.send({ method: 'GET', path: '/instances', operation, idempotent: true, ...(signal ? { signal } : {}) });
    if (!sent.ok) return sent;
    if (sent.val.status !== 200) return Err(this.fail(operation, sent.val, true));
    const parsed = parseBody(this.client, operation, sent.val, instanceListSchema);
    if (!parsed.ok) return parsed;
    return Ok(parsed.val.map((vm) => this.toInstance(vm)).filter((instance) => (instance.label ?? '').startsWith(labelPrefix)));
  }

  async destroyInstance(providerInstanceId: string, signal?: AbortSignal): Promise<Result<DestroyResult, ProviderError>> {
    const operation = 'destroyInstance';
    const id = checkInstanceId('bluelobster', operation, providerInstanceId);
    if (!id.ok) return id;
    const sent = await this.client.send({ method: 'DELETE', path: `/instances/${encodeURIComponent(id.val)}`, operation, idempotent: true, ...(signal ? { signal } : {}) });
    if (!sent.ok) return sent;
    const status = sent.val.status;
    // 404 (`instance_not_found`) for a VM that is already gone is success.
    if (status >= 200 && status < 300) return Ok({ alreadyGone: false, requestSentAt: sent.val.sentAt });
    if (status === 404) return Ok({ alreadyGone: true, requestSentAt: sent.val.sentAt });
    return Err(this.fail(operation, sent.val, true));
  }

  private toInstance(vm: BlueLobsterInstance): ProviderInstance {
    const started = vm.created_at ? new Date(vm.created_at) : null;
    return {
      provider: 'bluelobster',
      providerInstanceId: vm.uuid,
      label: blueLobsterNameToLabel(vm.name),
      state: blueLobsterInstanceState(vm),
      ssh: vm.ip_address ? { host: vm.ip_address, port: vm.ssh_port ?? 22, user: vm.vm_username || 'ubuntu' } : null,
      pricePerHourMicros: typeof vm.price_cents_per_hour === 'number' ? centsToMicros(vm.price_cents_per_hour) : null,
      startedAt: started && !Number.isNaN(started.getTime()) ? started : null,
    };
  }
}
