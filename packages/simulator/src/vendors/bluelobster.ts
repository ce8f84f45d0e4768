import { BLUE_LOBSTER_REGIONS } from '../catalog/catalog.js';
import { jsonReply, type HttpReply } from '../http/http-kit.js';
import { type RouteContext, type RouteResult, type VendorApi, type VendorRoute } from '../http/vendor-server.js';
import { parseAuthorizedKey } from '../node/ssh-keys.js';
import { hasBooted, type BlueLobsterDetails, type InstanceRecord } from '../state/world.js';
import { isObject, optionalString, vmMounts, type VendorDeps } from './common.js';

/**
 * Blue Lobster, `https://api.bluelobster.ai/api/v1` (providers.md §2.3): `X-API-Key` auth, async
 * launch (`task_id` → `GET /tasks/{id}` PENDING → PROCESSING → COMPLETED | FAILED), flat launch
 * response, plain-array list, `power_status: null` on running VMs, prices in cents, three error
 * envelopes, 409 `no_capacity`, and a boot-time dist-upgrade that holds the dpkg lock.
 *
 * Deviation: the contract puts SSH on port 22 of `ip_address`. On loopback every node needs its
 * own port, so VMs report `ip_address: "127.0.0.1"` and an extra `ssh_port` field.
 */

const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/;
// The live API rejects a key with a trailing newline (BL-004): `$` here does not allow one.
const SSH_KEY_PATTERN = /^(ssh-rsa|ssh-ed25519|ssh-dss|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;
const USERNAME_PATTERN = /^[a-z_][a-z0-9_-]{0,31}$/;
/** Cards whose dist-upgrade moves them to a CUDA 13 driver, with an NVML mismatch meanwhile. */
const UPGRADED_MODELS = new Set(['RTX 8000', 'RTX 5090']);

interface Task {
  readonly taskId: string;
  readonly operation: 'launch' | 'delete';
  readonly vmUuid: string;
  readonly createdAtMs: number;
  readonly completeAtMs: number;
  readonly outcome: BlueLobsterDetails['taskOutcome'];
  readonly message: string;
  readonly instanceType: string;
  readonly region: string;
}

function blError(status: number, error: string, message: string): HttpReply {
  return jsonReply(status, { error, message });
}

function validationError(errors: readonly { field: string; message: string }[]): HttpReply {
  return jsonReply(400, { error: 'validation_error', message: 'Request validation failed', errors });
}

export function blueLobsterStatus(record: InstanceRecord, nowMs: number): string | null {
  if (record.endAtMs !== null && nowMs >= record.endAtMs) return null;
  if (record.stoppedAtMs !== null && nowMs >= record.stoppedAtMs) return record.stoppedStatus ?? 'stopped';
  const d = record.details as BlueLobsterDetails;
  if (d.taskOutcome === 'failed') return 'unknown';
  // Running VMs report no power status at all (BL-008); so do VMs still being built.
  return null;
}

export interface BlueLobsterApi extends VendorApi {
  reset(): void;
}

export function createBlueLobsterApi(deps: VendorDeps): BlueLobsterApi {
  const { world } = deps;
  const tasks = new Map<string, Task>();

  const vmJson = (record: InstanceRecord): Record<string, unknown> => {
    const d = record.details as BlueLobsterDetails;
    const now = world.now();
    const up = hasBooted(record, now);
    const stopped = record.stoppedAtMs !== null && now >= record.stoppedAtMs;
    const withIp = up || stopped || d.taskOutcome === 'failed';
    return {
      uuid: record.id,
      name: record.label,
      host_id: `h-${(Number.parseInt(record.id.slice(0, 4), 16) % 40) + 1}`,
      region: d.region.name,
      ip_address: withIp ? '127.0.0.1' : null,
      // Not in the contract: the loopback stand-in for "port 22 of ip_address".
      ssh_port: withIp ? (record.node?.port ?? null) : null,
      internal_ip: withIp ? `10.0.0.${(Number.parseInt(record.id.slice(-2), 16) % 250) + 2}` : null,
      cpu_cores: d.type.specs.vcpus,
      memory: d.type.specs.memory_gib,
      storage: d.type.specs.storage_gib,
      gpu_count: record.gpuCount,
      gpu_model: record.sku.model,
      power_status: blueLobsterStatus(record, now),
      created_at: new Date(record.createdAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      // Metadata is accepted on launch and never stored (BL-007).
      metadata: {},
      instance_type: d.type.name,
      price_cents_per_hour: d.type.priceCentsPerHour,
      vm_username: d.username,
    };
  };

  const live = (id: string): InstanceRecord | undefined => {
    const record = world.get('bluelobster', id);
    return record && !world.isGone(record) ? record : undefined;
  };

  const slotsLeft = (typeName: string, region: string): number => {
    const type = world.catalog.bluelobster.find((t) => t.name === typeName);
    return (type?.slots[region] ?? 0) - (world.occupancy().bluelobster.get(`${typeName}/${region}`) ?? 0);
  };

  const available = (): RouteResult => {
    const data = world.catalog.bluelobster.map((type) => ({
      id: type.name,
      instance_type: {
        name: type.name,
        description: type.description,
        gpu_description: 'N/A',
        price_cents_per_hour: type.priceCentsPerHour,
        specs: { ...type.specs, gpus: type.gpuCount, ...(type.gpuModel ? { gpu_model: type.gpuModel } : {}) },
      },
      regions_with_capacity_available: BLUE_LOBSTER_REGIONS.filter((region) => slotsLeft(type.name, region.name) > 0),
    }));
    return jsonReply(200, { data });
  };

  const launch = async (ctx: RouteContext): Promise<RouteResult> => {
    const body = ctx.body;
    if (!isObject(body)) return validationError([{ field: 'body', message: 'must be a JSON object' }]);
    const errors: { field: string; message: string }[] = [];
    const region = BLUE_LOBSTER_REGIONS.find((r) => r.name === body.region);
    const type = world.catalog.bluelobster.find((t) => t.name === body.instance_type);
    if (typeof body.region !== 'string') errors.push({ field: 'region', message: 'field required' });
    else if (!region) errors.push({ field: 'region', message: `unknown region ${body.region}` });
    if (typeof body.instance_type !== 'string') errors.push({ field: 'instance_type', message: 'field required' });
    else if (!type) errors.push({ field: 'instance_type', message: `unknown instance type ${body.instance_type}` });
    else if (!type.sku) errors.push({ field: 'instance_type', message: 'CPU-only instance types are not offered by the simulator' });
    const sshKey = optionalString(body.ssh_key);
    if (sshKey === undefined) errors.push({ field: 'ssh_key', message: 'field required' });
    else if (!SSH_KEY_PATTERN.test(sshKey) || !parseAuthorizedKey(sshKey)) errors.push({ field: 'ssh_key', message: 'invalid SSH public key format' });
    const name = optionalString(body.name);
    if (name === undefined) errors.push({ field: 'name', message: 'field required' });
    else if (!NAME_PATTERN.test(name)) errors.push({ field: 'name', message: `must match ${NAME_PATTERN.source}` });
    else if (name.length > 64) errors.push({ field: 'name', message: 'must be at most 64 characters' });
    const username = optionalString(body.username) ?? 'ubuntu';
    if (!USERNAME_PATTERN.test(username) || username === 'root') errors.push({ field: 'username', message: 'invalid username' });
    if (errors.length > 0 || !region || !type?.sku || !sshKey || !name) return validationError(errors);

    if (slotsLeft(type.name, region.name) <= 0 || ctx.fault?.kind === 'stale_offer') {
      return jsonReply(409, { detail: { error: 'no_capacity', message: `No capacity available in ${region.name} for ${type.name}` } });
    }
    const now = world.now();
    const completeAtMs = now + deps.timings.bootDelayMs;
    const kind = ctx.fault?.kind;
    const outcome: BlueLobsterDetails['taskOutcome'] = kind === 'task_failed' ? 'failed' : kind === 'task_stuck' ? 'stuck' : kind === 'task_cancelled' ? 'cancelled' : 'completed';
    const message =
      ctx.fault?.kind === 'task_failed'
        ? (ctx.fault.message ?? 'Task processing failed: Failed to create VM: Disk resize failed')
        : ctx.fault?.kind === 'task_cancelled'
          ? (ctx.fault.message ?? 'Task cancelled')
          : '';
    const instanceExists = outcome === 'completed' || ((ctx.fault?.kind === 'task_failed' || ctx.fault?.kind === 'task_stuck') && ctx.fault.instanceExists === true);
    const vmUuid = world.ids.uuid();
    const taskId = world.ids.uuid();
    tasks.set(taskId, { taskId, operation: 'launch', vmUuid, createdAtMs: now, completeAtMs, outcome, message, instanceType: type.name, region: region.name });
    if (!instanceExists) return jsonReply(200, { task_id: taskId, vm_uuid: vmUuid, assigned_ip: '127.0.0.1', status: 'PENDING' });

    const sku = type.sku;
    const runningAtMs = outcome === 'completed' ? completeAtMs : null;
    const record = world.add({
      vendor: 'bluelobster',
      id: vmUuid,
      label: name,
      vendorOfferId: type.name,
      sku,
      gpuCount: type.gpuCount,
      pricePerHourUsd: type.priceCentsPerHour / 100,
      runningAtMs,
      details: { kind: 'bluelobster', type, region, username, taskId, templateName: optionalString(body.template_name) ?? null, taskOutcome: outcome, taskMessage: message },
    });
    if (runningAtMs !== null) {
      const upgraded = UPGRADED_MODELS.has(sku.model);
      record.node = await deps.startNode({
        vendor: 'bluelobster',
        instanceId: vmUuid,
        hostname: name.slice(0, 63),
        sku,
        gpuCount: type.gpuCount,
        // Every template boots Ubuntu 22.04 with driver 560.35.05 (BL-010), whatever was asked.
        driver: { driverVersion: '560.35.05', cudaVersion: '12.6' },
        ...(upgraded ? { driverAfterUpgrade: { driverVersion: '580.95.05', cudaVersion: '13.0' } } : {}),
        mounts: vmMounts(type.specs.storage_gib, 18.2),
        users: [username],
        sshReadyAtMs: runningAtMs,
        bootHeld: () => record.bootHeld,
        upgradeUntilMs: runningAtMs + deps.timings.blueLobsterDpkgLockMs,
      });
      const key = parseAuthorizedKey(sshKey);
      if (key) record.node.authorize(username, key, runningAtMs);
    }
    return { ...jsonReply(200, { task_id: taskId, vm_uuid: vmUuid, assigned_ip: '127.0.0.1', status: 'PENDING' }), created: record };
  };

  const getTask = (ctx: RouteContext): RouteResult => {
    const task = tasks.get(ctx.match[1] ?? '');
    if (!task) return blError(404, 'not_found', 'Task not found');
    const now = world.now();
    // A launch that made a VM completes when the VM boots, so a boot hold holds the task too.
    const vm = task.operation === 'launch' ? world.get('bluelobster', task.vmUuid) : undefined;
    const completeAtMs = vm?.runningAtMs ?? task.completeAtMs;
    const held = vm?.bootHeld === true;
    const progress = (now - task.createdAtMs) / Math.max(1, completeAtMs - task.createdAtMs);
    let status = progress < 0.2 ? 'PENDING' : 'PROCESSING';
    if (now >= completeAtMs && !held && task.outcome !== 'stuck') status = task.outcome === 'failed' ? 'FAILED' : task.outcome === 'cancelled' ? 'CANCELLED' : 'COMPLETED';
    const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return jsonReply(200, {
      task_id: task.taskId,
      status,
      operation: task.operation,
      message: status === 'FAILED' || status === 'CANCELLED' ? task.message : '',
      params: { vm_uuid: task.vmUuid, instance_type: task.instanceType, region: task.region },
      created_at: iso(task.createdAtMs),
      updated_at: iso(Math.min(now, completeAtMs)),
    });
  };

  const getInstance = (ctx: RouteContext): RouteResult => {
    const record = live(ctx.match[1] ?? '');
    return record ? jsonReply(200, vmJson(record)) : blError(404, 'instance_not_found', 'Instance not found');
  };

  const listInstances = (): RouteResult => jsonReply(200, world.live('bluelobster').map(vmJson));

  const destroyInstance = async (ctx: RouteContext): Promise<RouteResult> => {
    const id = ctx.match[1] ?? '';
    const record = live(id);
    if (!record) return blError(404, 'instance_not_found', 'Instance not found');
    // The vendor queues the deletion and answers with its task. Billing ends with the request here;
    // the task completes shortly after — or never, under destroy_ignored (the VM stays listed).
    const ignored = ctx.fault?.kind === 'destroy_ignored';
    if (!ignored) await world.end(record, 'destroyed');
    const now = world.now();
    const taskId = world.ids.uuid();
    const d = record.details as BlueLobsterDetails;
    tasks.set(taskId, {
      taskId,
      operation: 'delete',
      vmUuid: id,
      createdAtMs: now,
      completeAtMs: now + Math.max(1, Math.round(deps.timings.bootDelayMs / 10)),
      outcome: ignored ? 'stuck' : 'completed',
      message: '',
      instanceType: d.type.name,
      region: d.region.name,
    });
    return jsonReply(200, { task_id: taskId, status: 'PENDING', message: 'Instance deletion queued' });
  };

  const idOf = (match: RegExpExecArray): string | undefined => match[1];
  const routes: VendorRoute[] = [
    { method: 'GET', pattern: /^\/instances\/available$/, operation: 'listOffers', handle: available },
    {
      method: 'POST',
      pattern: /^\/instances\/launch-instance$/,
      operation: 'createInstance',
      offerId: (_m, body) => (isObject(body) && typeof body.instance_type === 'string' ? body.instance_type : undefined),
      handle: launch,
    },
    { method: 'GET', pattern: /^\/tasks\/([^/]+)$/, operation: 'getTask', handle: getTask },
    { method: 'GET', pattern: /^\/instances$/, operation: 'listInstances', handle: listInstances },
    { method: 'GET', pattern: /^\/instances\/([^/]+)$/, operation: 'getInstance', instanceId: idOf, handle: getInstance },
    { method: 'DELETE', pattern: /^\/instances\/([^/]+)$/, operation: 'destroyInstance', instanceId: idOf, handle: destroyInstance },
  ];

  return {
    vendor: 'bluelobster',
    basePath: '/api/v1',
    routes,
    reset: () => tasks.clear(),
    authenticate: (req) => {
      const key = req.headers['x-api-key'];
      if (typeof key === 'string' && key.trim() !== '') return null;
      return jsonReply(401, { detail: { error: 'unauthorized', message: 'Missing API key' } });
    },
    errorReply: (status, reason, message) => {
      if (reason === 'rate_limited') return jsonReply(429, { error: 'rate_limited', message: 'Too many requests' });
      if (reason === 'unauthorized') {
        return jsonReply(status, { detail: status === 403 ? { error: 'forbidden', message: 'Invalid API key' } : { error: 'unauthorized', message: 'Invalid API key' } });
      }
      if (reason === 'not_found') return jsonReply(status, { error: { code: 'not_found', message: message ?? 'Not found' } });
      return blError(status, status >= 500 ? 'internal_error' : 'bad_request', message ?? (status >= 500 ? 'Internal server error' : 'Bad request'));
    },
    emptyListReply: (operation, status) => jsonReply(status, operation === 'listOffers' ? { data: [] } : []),
  };
}
