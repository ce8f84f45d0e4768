import { jsonReply, type HttpReply } from '../http/http-kit.js';
import { type RouteContext, type RouteResult, type VendorApi, type VendorRoute } from '../http/vendor-server.js';
import { roundPrice } from '../internal/money.js';
import { findAuthorizedKeys, parseAuthorizedKey } from '../node/ssh-keys.js';
import { hasBooted, type InstanceRecord, type TensorDockDetails } from '../state/world.js';
import { isObject, vmMounts, type VendorDeps } from './common.js';

/**
 * TensorDock v2, `https://dashboard.tensordock.com/api/v2` (providers.md §2.2): `/locations` with
 * `api_key`/`api_token` query auth, `/instances*` with Bearer auth and no trailing slash, a
 * JSON:API create body, errors as a zod-style array or hidden in a 200 (`{"status":400,...}`), an
 * unwrapped GET, and a list whose envelope comes in two shapes.
 */

const IMAGES = new Set(['ubuntu2204', 'ubuntu2404', 'ubuntu2004', 'debian12', 'windows10']);

interface Issue {
  readonly code: string;
  readonly message: string;
  readonly path: readonly (string | number)[];
  readonly [extra: string]: unknown;
}

function tdError(status: number, error: string): HttpReply {
  return jsonReply(status, { status, error });
}

export function tensorDockStatus(record: InstanceRecord, nowMs: number): string | null {
  if (record.endAtMs !== null && nowMs >= record.endAtMs) return null;
  if (record.stoppedAtMs !== null && nowMs >= record.stoppedAtMs) return record.stoppedStatus ?? 'stopped';
  if (record.runningAtMs === null) return 'creating';
  if (hasBooted(record, nowMs)) return 'running';
  const progress = (nowMs - record.createdAtMs) / Math.max(1, record.runningAtMs - record.createdAtMs);
  return progress < 0.4 ? 'creating' : 'starting';
}

export function createTensorDockApi(deps: VendorDeps): VendorApi {
  const { world } = deps;

  const vmJson = (record: InstanceRecord): Record<string, unknown> => {
    const d = record.details as TensorDockDetails;
    const status = tensorDockStatus(record, world.now());
    const reachable = status === 'starting' || status === 'running';
    const port = reachable ? (record.node?.port ?? null) : null;
    return {
      type: 'virtualmachine',
      id: record.id,
      name: record.label,
      status,
      // The IP appears a little before the VM is up and stays with a stopped VM.
      ipAddress: reachable || status === 'stopped' || status === 'stopping' ? '127.0.0.1' : '',
      // A dedicated IP would mean SSH on 22 and no forwards; on loopback the node has its own port,
      // so it is reported the way TensorDock reports a forwarded port.
      portForwards: port === null ? [] : [{ protocol: 'tcp', internal_port: 22, external_port: port }],
      rateHourly: record.pricePerHourUsd,
      location_id: d.location.id,
      image: d.image,
      resources: { vcpu_count: d.vcpus, ram_gb: d.ramGb, storage_gb: d.storageGb, gpus: { [d.gpu.v0Name]: { count: record.gpuCount } } },
    };
  };

  const listItem = (record: InstanceRecord): Record<string, unknown> => {
    const d = record.details as TensorDockDetails;
    const vm = vmJson(record);
    return {
      id: record.id,
      name: record.label,
      status: vm.status,
      ipAddress: vm.ipAddress,
      portForwards: vm.portForwards,
      gpu_model: d.gpu.v0Name,
      gpu_count: record.gpuCount,
      vcpus: d.vcpus,
      ram_gb: d.ramGb,
      storage_gb: d.storageGb,
      price_per_hour: record.pricePerHourUsd,
      created_at: new Date(record.createdAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      location_id: d.location.id,
    };
  };

  const live = (id: string): InstanceRecord | undefined => {
    const record = world.get('tensordock', id);
    return record && !world.isGone(record) ? record : undefined;
  };

  const locations = (): RouteResult => {
    const occupied = world.occupancy().tensordock;
    const data = world.catalog.tensordock
      .map((location) => ({
        id: location.id,
        city: location.city,
        stateprovince: location.stateprovince,
        country: location.country,
        tier: location.tier,
        gpus: location.gpus
          .map((gpu) => ({ gpu, left: gpu.capacity - (occupied.get(`${location.id}/${gpu.v0Name}`) ?? 0) }))
          .filter(({ left }) => left > 0)
          .map(({ gpu, left }) => ({
            v0Name: gpu.v0Name,
            displayName: gpu.displayName,
            max_count: left,
            price_per_hr: gpu.pricePerHrUsd,
            resources: gpu.resources,
            network_features: gpu.networkFeatures,
            pricing: gpu.pricing,
          })),
      }))
      .filter((location) => location.gpus.length > 0);
    return jsonReply(200, { data: { locations: data } });
  };

  const createInstance = async (ctx: RouteContext): Promise<RouteResult> => {
    const body = ctx.body;
    const data = isObject(body) ? body.data : undefined;
    const attributes = isObject(data) ? data.attributes : undefined;
    if (!isObject(data) || !isObject(attributes)) {
      return jsonReply(400, [{ code: 'invalid_type', expected: 'object', received: 'undefined', message: 'Required', path: ['data', 'attributes'] }]);
    }
    const issues: Issue[] = [];
    const required = (key: string): void => {
      if (typeof attributes[key] !== 'string' || attributes[key] === '') issues.push({ code: 'invalid_type', expected: 'string', received: typeof attributes[key], message: 'Required', path: ['data', 'attributes', key] });
    };
    if (data.type !== 'virtualmachine') issues.push({ code: 'invalid_literal', expected: 'virtualmachine', message: 'Invalid literal value, expected "virtualmachine"', path: ['data', 'type'] });
    for (const key of ['name', 'image', 'location_id', 'ssh_key']) required(key);
    const image = typeof attributes.image === 'string' ? attributes.image : '';
    if (image && !IMAGES.has(image)) issues.push({ code: 'custom', message: `Invalid image name: ${image}`, path: ['data', 'attributes', 'image'] });
    if (typeof attributes.ssh_key === 'string' && attributes.ssh_key !== '' && !parseAuthorizedKey(attributes.ssh_key)) {
      issues.push({ code: 'custom', message: 'Invalid SSH public key', path: ['data', 'attributes', 'ssh_key'] });
    }
    const resources = isObject(attributes.resources) ? attributes.resources : null;
    if (!resources) issues.push({ code: 'invalid_type', expected: 'object', received: 'undefined', message: 'Required', path: ['data', 'attributes', 'resources'] });
    const intField = (key: string, min: number): number => {
      const value = resources?.[key];
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        if (resources) issues.push({ code: 'invalid_type', expected: 'number', received: typeof value, message: 'Required', path: ['data', 'attributes', 'resources', key] });
        return 0;
      }
      if (value < min) issues.push({ code: 'too_small', minimum: min, type: 'number', inclusive: true, exact: false, message: `Number must be greater than or equal to ${min}`, path: ['data', 'attributes', 'resources', key] });
      return value;
    };
    const vcpus = intField('vcpu_count', 1);
    const ramGb = intField('ram_gb', 1);
    const storageGb = intField('storage_gb', 100);
    const gpus = isObject(resources?.gpus) ? Object.entries(resources.gpus) : [];
    const [gpuName, gpuRequest] = gpus[0] ?? ['', undefined];
    const count = isObject(gpuRequest) && typeof gpuRequest.count === 'number' ? gpuRequest.count : 0;
    if (resources && (gpus.length !== 1 || count < 1 || !Number.isInteger(count))) {
      issues.push({ code: 'custom', message: 'Exactly one GPU model with a positive integer count is required', path: ['data', 'attributes', 'resources', 'gpus'] });
    }
    const forwards = Array.isArray(attributes.port_forwards) ? attributes.port_forwards : [];
    const forwardsSsh = forwards.some((f) => isObject(f) && f.internal_port === 22);
    const dedicatedIp = attributes.useDedicatedIp === true;
    if (image.startsWith('ubuntu') && !dedicatedIp && !forwardsSsh) {
      issues.push({ code: 'custom', message: 'SSH port (22) must be forwarded for Ubuntu VMs', path: ['data', 'attributes', 'port_forwards'] });
    }
    if (issues.length > 0) return jsonReply(400, issues);

    const location = world.catalog.tensordock.find((l) => l.id === attributes.location_id);
    if (!location) return tdError(404, 'Location not found');
    // Capacity problems come back as HTTP 200 with an error status inside (Q-T2).
    const gpu = location.gpus.find((g) => g.v0Name === gpuName);
    if (!gpu) return jsonReply(200, { status: 404, error: `Requested GPU model ${gpuName} is not available at this location` });
    const left = gpu.capacity - (world.occupancy().tensordock.get(`${location.id}/${gpu.v0Name}`) ?? 0);
    if (left < count || ctx.fault?.kind === 'stale_offer') return jsonReply(200, { status: 400, error: 'No available nodes found' });
    if (ctx.fault?.kind === 'error_body_200' && !ctx.fault.instanceCreated) {
      return jsonReply(200, { status: ctx.fault.embeddedStatus ?? 400, error: ctx.fault.message ?? 'No available public IPs on hostnode' });
    }

    // TensorDock bills the whole VM (GPU + vCPU + RAM + storage), not the GPU-only list price (Q-T9).
    const rateHourly = roundPrice(gpu.pricePerHrUsd * count + vcpus * gpu.pricing.per_vcpu_hr + ramGb * gpu.pricing.per_gb_ram_hr + storageGb * gpu.pricing.per_gb_storage_hr, 6);
    const now = world.now();
    const runningAtMs = now + deps.timings.bootDelayMs;
    const id = world.ids.uuid();
    const record = world.add({
      vendor: 'tensordock',
      id,
      label: String(attributes.name),
      vendorOfferId: location.id,
      sku: gpu.sku,
      gpuCount: count,
      pricePerHourUsd: rateHourly,
      runningAtMs,
      details: { kind: 'tensordock', location, gpu, image, vcpus, ramGb, storageGb, dedicatedIp },
    });
    // Only cloud-init runcmd installs keys: the `ssh_key` attribute and `ssh_authorized_keys` do not (Q-T5).
    const cloudInit = isObject(attributes.cloud_init) ? attributes.cloud_init : {};
    const runcmd = Array.isArray(cloudInit.runcmd) ? cloudInit.runcmd.filter((c): c is string => typeof c === 'string') : [];
    // ubuntu2204 ships a half-installed driver that only the repair steps fix (Q-T7); 2404 has none.
    const repairs = runcmd.some((c) => /nvidia-driver|dkms|modprobe nvidia|dpkg --configure/.test(c));
    record.node = await deps.startNode({
      vendor: 'tensordock',
      instanceId: id,
      hostname: `tensordock-${id.slice(0, 8)}`,
      sku: gpu.sku,
      gpuCount: count,
      driver: { driverVersion: '550.127.05', cudaVersion: '12.4' },
      driverState: image === 'ubuntu2204' ? (repairs ? 'ok' : 'broken') : image.startsWith('ubuntu') || image === 'debian12' ? 'absent' : 'ok',
      mounts: vmMounts(storageGb, 11.6),
      users: ['user', 'root'],
      sshReadyAtMs: runningAtMs,
      bootHeld: () => record.bootHeld,
      upgradeUntilMs: null,
    });
    const keyActiveAt = runningAtMs + deps.timings.keyPropagationMs;
    for (const command of runcmd.filter((c) => c.includes('authorized_keys'))) {
      for (const key of findAuthorizedKeys(command)) {
        if (command.includes('/root/')) record.node.authorize('root', key, keyActiveAt);
        if (command.includes('/home/user')) record.node.authorize('user', key, keyActiveAt);
      }
    }
    if (ctx.fault?.kind === 'error_body_200') {
      record.createOutcome = 'error_response';
      return { ...jsonReply(200, { status: ctx.fault.embeddedStatus ?? 500, error: ctx.fault.message ?? 'Internal processing error' }), created: record };
    }
    return { ...jsonReply(201, { data: { type: 'virtualmachine', id, name: record.label, status: 'creating' } }), created: record };
  };

  const getInstance = (ctx: RouteContext): RouteResult => {
    const record = live(ctx.match[1] ?? '');
    return record ? jsonReply(200, vmJson(record)) : tdError(404, 'Virtual machine not found');
  };

  /** The vendor's listing: JSON:API items (`{type, id, attributes}`) under `data.instances`. */
  const listInstances = (ctx: RouteContext): RouteResult => {
    const flat = world.live('tensordock').map(listItem);
    const nested = flat.map(({ id, ...attributes }) => ({ type: 'virtualmachine', id, attributes }));
    if (ctx.fault?.kind === 'alternate_envelope') {
      if (ctx.fault.envelope === 'getting_started') return jsonReply(200, { data: { type: 'list', id: 'instances', attributes: { instances: nested } } });
      return jsonReply(200, { data: flat });
    }
    return jsonReply(200, { data: { instances: nested } });
  };

  const destroyInstance = async (ctx: RouteContext): Promise<RouteResult> => {
    const record = live(ctx.match[1] ?? '');
    if (!record) return tdError(404, 'Virtual machine not found');
    if (ctx.fault?.kind !== 'destroy_ignored') await world.end(record, 'destroyed');
    return jsonReply(200, { data: { type: 'success', attributes: { message: 'Instance deleted successfully' } } });
  };

  const idOf = (match: RegExpExecArray): string | undefined => match[1];
  const routes: VendorRoute[] = [
    { method: 'GET', pattern: /^\/locations$/, operation: 'listOffers', handle: locations },
    {
      method: 'POST',
      pattern: /^\/instances$/,
      operation: 'createInstance',
      offerId: (_m, body) => {
        const attributes = isObject(body) && isObject(body.data) && isObject(body.data.attributes) ? body.data.attributes : undefined;
        return typeof attributes?.location_id === 'string' ? attributes.location_id : undefined;
      },
      handle: createInstance,
    },
    { method: 'GET', pattern: /^\/instances$/, operation: 'listInstances', handle: listInstances },
    { method: 'GET', pattern: /^\/instances\/([^/]+)$/, operation: 'getInstance', instanceId: idOf, handle: getInstance },
    { method: 'DELETE', pattern: /^\/instances\/([^/]+)$/, operation: 'destroyInstance', instanceId: idOf, handle: destroyInstance },
  ];

  return {
    vendor: 'tensordock',
    basePath: '/api/v2',
    routes,
    authenticate: (req, url, route) => {
      // Bearer on every call (the v2 reference); the catalogue also still takes the older query pair.
      if (route.operation === 'listOffers' && url.searchParams.get('api_key') && url.searchParams.get('api_token')) return null;
      return /^Bearer\s+\S+$/i.test(req.headers.authorization ?? '') ? null : tdError(401, 'Unauthorized');
    },
    errorReply: (status, reason, message) => {
      if (reason === 'rate_limited') return tdError(429, 'Too many requests, please slow down');
      if (reason === 'unauthorized') return tdError(status, status === 403 ? 'Forbidden' : 'Unauthorized');
      if (reason === 'not_found') return tdError(status, message ?? 'Not found');
      return tdError(status, message ?? (status >= 500 ? 'Internal server error' : 'Bad request'));
    },
    emptyListReply: (operation, status) => jsonReply(status, operation === 'listOffers' ? { data: { locations: [] } } : { data: { instances: [] } }),
  };
}
