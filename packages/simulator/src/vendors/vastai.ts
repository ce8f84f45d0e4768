import { type VastBundle } from '../catalog/catalog.js';
import { jsonReply, type HttpReply } from '../http/http-kit.js';
import { type RouteContext, type RouteResult, type VendorApi, type VendorRoute } from '../http/vendor-server.js';
import { usdToMicros } from '../internal/money.js';
import { parseAuthorizedKey } from '../node/ssh-keys.js';
import { hasBooted, type InstanceRecord, type VastDetails } from '../state/world.js';
import { isObject, optionalString, vastMounts, type VendorDeps } from './common.js';

/**
 * Vast.ai, `https://console.vast.ai/api/v0` (providers.md §2.1): Bearer auth (or `?api_key=`),
 * trailing slashes, `GET /bundles/?q=` with server-side filters and a result cap, `PUT /asks/{id}/`,
 * `POST /instances/{id}/ssh/`, `GET /instances/{id}/` wrapped in `instances`, `{"instances":null}`
 * once gone, `GET /instances/`, `DELETE /instances/{id}/`, `GET /users/current/`, `GET /template/`.
 */

const SSH_RUNTYPES = new Set(['ssh', 'ssh_proxy', 'ssh_direct', 'jupyter_proxy', 'jupyter_direct']);
const RUNTYPES = new Set([...SSH_RUNTYPES, 'args', 'jupyter']);

interface VastTemplate {
  readonly id: number;
  readonly hash_id: string;
  readonly name: string;
  readonly image: string;
  readonly tag: string;
  readonly env: string;
  readonly onstart: string;
  readonly runtype: string;
  readonly args_str: string;
  readonly use_ssh: boolean;
  readonly ssh_direct: boolean;
  readonly recommended: boolean;
  readonly recommended_disk_space: number;
  readonly extra_filters: string;
  readonly creator_id: number;
  readonly created_at: number;
  readonly count_created: number;
}

const BASE_TEMPLATE = { tag: 'latest', env: '', onstart: '', args_str: '', use_ssh: true, ssh_direct: false, recommended: true, creator_id: 62_897 } as const;

/**
 * The recommended catalogue as Vast publishes it (the live set had 37; these are the common ones,
 * with the vLLM and Ollama hash ids known to work), plus user templates that are not recommended.
 * `extra_filters` is a JSON document inside a string, as on the wire.
 */
const TEMPLATES: readonly VastTemplate[] = [
  {
    ...BASE_TEMPLATE, id: 213_401, hash_id: 'a4d2a0b85ae6719c0906ff66e7b3b434', name: 'vLLM', image: 'vllm/vllm-openai', env: '-p 8000:8000 -e VLLM_ARGS="--max-model-len 8192"',
    runtype: 'args', recommended_disk_space: 60,
    extra_filters: '{"cuda_max_good":{"gte":12.4},"gpu_total_ram":{"gt":21000}}', created_at: 1_733_000_000.5, count_created: 182_003,
  },
  {
    ...BASE_TEMPLATE, id: 219_985, hash_id: '38a9dab633743d43107eb9a80d4ada9e', name: 'Ollama', image: 'ollama/ollama', env: '-p 11434:11434 -e OLLAMA_HOST=0.0.0.0',
    onstart: 'ollama serve &', runtype: 'ssh_proxy', recommended_disk_space: 40,
    extra_filters: '{"cuda_max_good":{"gte":12.2}}', created_at: 1_735_000_000.25, count_created: 95_112,
  },
  {
    ...BASE_TEMPLATE, id: 190_551, hash_id: '4e17788f74f075dd9aab7d0d4427968f', name: 'NVIDIA CUDA', image: 'nvidia/cuda', tag: '12.6.3-runtime-ubuntu22.04',
    runtype: 'ssh_proxy', recommended_disk_space: 20,
    extra_filters: '{"cuda_max_good":{"gte":12.6}}', created_at: 1_730_000_000.75, count_created: 401_220,
  },
  {
    ...BASE_TEMPLATE, id: 185_002, hash_id: 'b6bb1c3a7e1f4c0e9d2a5f8e3c7d1a20', name: 'PyTorch (Vast)', image: 'vastai/pytorch', tag: '2.5.1-cuda-12.4.1-py311',
    env: '-p 8080:8080 -e OPEN_BUTTON_PORT=1111', runtype: 'jupyter_direct', ssh_direct: true, recommended_disk_space: 32,
    extra_filters: '{"cuda_max_good":{"gte":12.4}}', created_at: 1_729_000_000.5, count_created: 1_210_442,
  },
  {
    ...BASE_TEMPLATE, id: 201_777, hash_id: 'c1d5e2f3a4b5c6d7e8f9a0b1c2d3e4f5', name: 'Text Generation Inference', image: 'ghcr.io/huggingface/text-generation-inference', tag: '3.0.1',
    env: '-p 8080:80 -e MODEL_ID=meta-llama/Llama-3.1-8B-Instruct', runtype: 'args', recommended_disk_space: 80,
    extra_filters: '{"cuda_max_good":{"gte":12.4},"gpu_total_ram":{"gte":40000}}', created_at: 1_734_100_000.0, count_created: 21_870,
  },
  {
    ...BASE_TEMPLATE, id: 176_310, hash_id: 'd0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5', name: 'Stable Diffusion WebUI Forge', image: 'vastai/sd-forge', tag: 'cuda-12.1.1',
    env: '-p 7860:7860', runtype: 'jupyter_proxy', recommended_disk_space: 40,
    extra_filters: '{"cuda_max_good":{"gte":12.1},"gpu_ram":{"gte":11000}}', created_at: 1_727_500_000.0, count_created: 310_001,
  },
  {
    ...BASE_TEMPLATE, id: 222_404, hash_id: 'e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4', name: 'NVIDIA NeMo', image: 'nvcr.io/nvidia/nemo', tag: '24.12',
    runtype: 'ssh_direct', ssh_direct: true, recommended_disk_space: 120,
    extra_filters: '{"cuda_max_good":{"gte":12.6},"gpu_total_ram":{"gte":79000},"num_gpus":{"gte":2}}', created_at: 1_736_000_000.0, count_created: 4_420,
  },
  {
    ...BASE_TEMPLATE, id: 305_118, hash_id: '7f3c2b1a0e9d8c7b6a5f4e3d2c1b0a99', name: 'my-axolotl-finetune', image: 'winglian/axolotl', tag: 'main-latest',
    runtype: 'ssh_proxy', recommended: false, recommended_disk_space: 100, creator_id: 311_204,
    extra_filters: '{"cuda_max_good":{"gte":12.1}}', created_at: 1_738_000_000.0, count_created: 12,
  },
  {
    ...BASE_TEMPLATE, id: 305_900, hash_id: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d', name: 'jupyter-no-ssh', image: 'jupyter/base-notebook', tag: 'latest',
    runtype: 'jupyter', use_ssh: false, recommended: false, recommended_disk_space: 10, creator_id: 311_988,
    extra_filters: '{}', created_at: 1_738_100_000.0, count_created: 3,
  },
];

/** USD per GB per month of disk: what a stopped instance keeps billing (a typical Vast host's rate). */
const VAST_STORAGE_COST_PER_GB_MONTH = 0.15;

function vastError(status: number, error: string, msg: string, extra: Record<string, unknown> = {}): HttpReply {
  return jsonReply(status, { success: false, error, msg, ...extra });
}

const OPERATORS = new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'notin']);

type Comparable = string | number | boolean | null;

/**
 * The v1 instance listing's `order_by` (a JSON list of `{"col", "dir"}`): true for id descending,
 * false for ascending (also when absent), null when unreadable. Only the id is supported as a key.
 */
function idOrderDescending(raw: string | null): boolean | null {
  if (raw === null || raw.trim() === '') return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  if (parsed.length === 0) return false;
  const first: unknown = parsed[0];
  if (!isObject(first) || first.col !== 'id') return null;
  const dir = first.dir ?? 'asc';
  return dir === 'desc' ? true : dir === 'asc' ? false : null;
}

function compare(op: string, actual: Comparable, expected: unknown): boolean {
  const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
  switch (op) {
    case 'eq':
      return actual === expected || (typeof actual === 'number' && Number(expected) === actual);
    case 'neq':
      return !compare('eq', actual, expected);
    case 'gt':
      return typeof actual === 'number' && actual > Number(expected);
    case 'gte':
      return typeof actual === 'number' && actual >= Number(expected);
    case 'lt':
      return typeof actual === 'number' && actual < Number(expected);
    case 'lte':
      return typeof actual === 'number' && actual <= Number(expected);
    case 'in':
      return asList(expected).some((e) => compare('eq', actual, e));
    case 'notin':
      return !asList(expected).some((e) => compare('eq', actual, e));
    default:
      return true;
  }
}

interface BundleQuery {
  readonly filters: readonly (readonly [string, string, unknown])[];
  readonly limit: number;
  readonly order: readonly (readonly [string, 'asc' | 'desc'])[];
}

/** Parses the `q` search object; an Error for invalid JSON or operators. */
function parseQuery(raw: string | null, defaultLimit: number): BundleQuery | Error {
  if (raw === null || raw.trim() === '') return { filters: [], limit: defaultLimit, order: [['score', 'desc']] };
  let q: unknown;
  try {
    q = JSON.parse(raw) as unknown;
  } catch {
    return new Error('q is not valid JSON');
  }
  if (!isObject(q)) return new Error('q must be a JSON object');
  const filters: [string, string, unknown][] = [];
  let limit = defaultLimit;
  let order: [string, 'asc' | 'desc'][] = [['score', 'desc']];
  for (const [key, value] of Object.entries(q)) {
    if (key === 'limit') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return new Error('limit must be a positive integer');
      limit = value;
    } else if (key === 'order') {
      if (!Array.isArray(value)) return new Error('order must be a list of [field, "asc"|"desc"]');
      order = value.map((entry): [string, 'asc' | 'desc'] => (Array.isArray(entry) ? [String(entry[0]), entry[1] === 'desc' ? 'desc' : 'asc'] : [String(entry), 'asc']));
    } else if (key === 'type' || key === 'allocated_storage') {
      // on-demand / bid / reserved: every simulated offer is rentable either way (bid results carry
      // min_bid like the others); a create with `price` makes the instance interruptible.
      // allocated_storage prices the disk; simulated prices already include a typical disk.
      continue;
    } else if (isObject(value)) {
      for (const [op, operand] of Object.entries(value)) {
        if (!OPERATORS.has(op)) return new Error(`unsupported operator "${op}" for ${key}`);
        filters.push([key, op, operand]);
      }
    } else {
      filters.push([key, 'eq', value]);
    }
  }
  return { filters, limit, order };
}

function bundleMatches(bundle: VastBundle, filters: BundleQuery['filters']): boolean {
  const wire = bundle.wire as unknown as Readonly<Record<string, Comparable>>;
  for (const [key, op, operand] of filters) {
    if (key === 'geolocation') {
      // Vast matches geolocation filters on the country code ("California, US" is in ["US"]).
      const country = (wire.geolocation as string).split(',').pop()?.trim() ?? '';
      if (!compare(op, country, operand) && !compare(op, wire.geolocation ?? null, operand)) return false;
      continue;
    }
    if (!(key in wire)) continue; // unknown keys are ignored, as the real search does
    if (!compare(op, wire[key] ?? null, operand)) return false;
  }
  return true;
}

export function vastStatus(record: InstanceRecord, nowMs: number): string | null {
  if (record.endAtMs !== null && nowMs >= record.endAtMs) return null;
  if (record.stoppedAtMs !== null && nowMs >= record.stoppedAtMs) return record.stoppedStatus ?? 'exited';
  if (record.runningAtMs === null) return null;
  if (hasBooted(record, nowMs)) return 'running';
  const progress = (nowMs - record.createdAtMs) / Math.max(1, record.runningAtMs - record.createdAtMs);
  if (progress < 0.15) return null;
  if (progress < 0.35) return 'created';
  return 'loading';
}

export function createVastApi(deps: VendorDeps): VendorApi {
  const { world } = deps;

  const instanceJson = (record: InstanceRecord): Record<string, unknown> => {
    const now = world.now();
    const d = record.details as VastDetails;
    const status = vastStatus(record, now);
    const running = status === 'running';
    const port = running ? (record.node?.port ?? null) : null;
    const bundle = d.bundle.wire;
    return {
      id: Number(record.id),
      machine_id: bundle.machine_id,
      label: record.label === '' ? null : record.label,
      actual_status: status,
      intended_status: record.intendedStatus,
      cur_state: status === null ? 'created' : status === 'loading' ? 'running' : status,
      next_state: 'running',
      status_msg: status === 'loading' ? `Pulling ${d.image ?? 'template image'}: downloading layers` : status === 'running' ? `success, running ${d.image ?? ''}` : null,
      ssh_host: port === null ? null : '127.0.0.1',
      ssh_port: port,
      ssh_idx: port === null ? null : '1',
      public_ipaddr: '127.0.0.1',
      ports: port === null ? null : { '22/tcp': [{ HostIp: '0.0.0.0', HostPort: String(port) }, { HostIp: '::', HostPort: String(port) }] },
      direct_port_start: port === null ? -1 : port,
      direct_port_end: port === null ? -1 : port,
      direct_port_count: port === null ? 0 : 1,
      gpu_name: bundle.gpu_name,
      num_gpus: bundle.num_gpus,
      gpu_ram: bundle.gpu_ram,
      gpu_totalram: bundle.gpu_total_ram,
      cuda_max_good: bundle.cuda_max_good,
      driver_version: bundle.driver_version,
      geolocation: bundle.geolocation,
      reliability2: bundle.reliability2,
      dph_total: world.currentPrice(record).pricePerHourUsd,
      is_bid: d.bidPriceUsd !== null,
      min_bid: bundle.min_bid,
      disk_space: d.diskGb,
      storage_cost: VAST_STORAGE_COST_PER_GB_MONTH,
      start_date: record.createdAtMs / 1000,
      end_date: null,
      image_uuid: d.image,
      image_runtype: d.runtype,
      template_hash_id: d.templateHashId,
      onstart: d.onstart,
      extra_env: Object.entries(d.env),
      jupyter_url: null,
      jupyter_token: null,
    };
  };

  const live = (id: string): InstanceRecord | undefined => {
    const record = world.get('vastai', id);
    return record && !world.isGone(record) ? record : undefined;
  };
  const notFound = (id: string): HttpReply => vastError(404, 'no_such_instance', `Instance ${id} not found.`);
  // The documented answer to a taken offer is 404 (3603) or 410 (3907); older clients saw it as a 400.
  const staleAsk = (askId: string, status: 400 | 404 | 410 = 404): HttpReply =>
    status === 410
      ? vastError(410, 'no_such_ask', `error 410/3907: no_such_ask  Instance type by id ${askId} is no longer available.`, { ask_id: Number(askId) || askId })
      : vastError(status, status === 400 ? 'invalid_args' : 'no_such_ask', `error 404/3603: no_such_ask  Instance type by id ${askId} is not available.`, { ask_id: Number(askId) || askId });

  /** `POST /bundles/` takes the query object as its body (the current form); `GET ?q=` the older one. */
  const searchOffers = (ctx: RouteContext): RouteResult => {
    if (ctx.body instanceof Error) return vastError(400, 'invalid_args', 'request body is not valid JSON');
    return listOffers(ctx.body === undefined || ctx.body === null ? null : JSON.stringify(ctx.body));
  };

  const listOffers = (raw: string | null): RouteResult => {
    const query = parseQuery(raw, deps.vastDefaultLimit);
    if (query instanceof Error) return vastError(400, 'invalid_args', query.message);
    const rented = world.occupancy().vast;
    const matching = world.catalog.vastai.filter((b) => !rented.has(b.wire.id) && bundleMatches(b, query.filters));
    const sorted = [...matching].sort((a, b) => {
      for (const [field, direction] of query.order) {
        const x = (a.wire as unknown as Record<string, unknown>)[field];
        const y = (b.wire as unknown as Record<string, unknown>)[field];
        const comparable = (typeof x === 'number' && typeof y === 'number') || (typeof x === 'string' && typeof y === 'string');
        if (!comparable || x === y) continue;
        const less = x < y;
        return (less ? -1 : 1) * (direction === 'desc' ? -1 : 1);
      }
      return a.wire.id - b.wire.id;
    });
    return jsonReply(200, { offers: sorted.slice(0, query.limit).map((b) => b.wire) });
  };

  const createInstance = async (ctx: RouteContext): Promise<RouteResult> => {
    const askId = ctx.match[1] ?? '';
    if (!/^\d+$/.test(askId)) return vastError(400, 'invalid_args', `invalid ask id: ${askId}`);
    const body = ctx.body;
    if (!isObject(body)) return vastError(400, 'invalid_args', 'request body must be a JSON object');
    if (body.client_id !== 'me') return vastError(400, 'invalid_args', 'client_id must be "me"');
    const templateHashId = optionalString(body.template_hash_id) ?? null;
    const template = templateHashId ? TEMPLATES.find((t) => t.hash_id === templateHashId) : undefined;
    if (templateHashId && !template) return vastError(404, 'no_such_template', `Template ${templateHashId} not found.`);
    const image = optionalString(body.image) ?? (template ? `${template.image}:${template.tag}` : null);
    if (!image) return vastError(400, 'invalid_args', 'image or template_hash_id is required');
    const runtype = optionalString(body.runtype) ?? template?.runtype ?? 'ssh';
    if (!RUNTYPES.has(runtype)) return vastError(400, 'invalid_args', `invalid runtype: ${runtype}`);
    if (body.disk !== undefined && (typeof body.disk !== 'number' || body.disk <= 0)) return vastError(400, 'invalid_args', 'disk must be a positive number (GB)');
    if (body.label !== undefined && body.label !== null && typeof body.label !== 'string') return vastError(400, 'invalid_args', 'label must be a string');
    if (body.price !== undefined && body.price !== null && (typeof body.price !== 'number' || body.price < 0.001 || body.price > 32)) {
      return vastError(400, 'invalid_args', 'price must be a bid between 0.001 and 32 USD per hour');
    }

    const bundle = world.catalog.vastai.find((b) => String(b.wire.id) === askId);
    if (!bundle || world.occupancy().vast.has(bundle.wire.id)) return staleAsk(askId);
    if (ctx.fault?.kind === 'stale_offer') return staleAsk(askId, ctx.fault.status ?? 404);
    if (ctx.fault?.kind === 'error_body_200' && !ctx.fault.instanceCreated) {
      return jsonReply(200, { success: false, error: ctx.fault.message ?? 'insufficient_credit', msg: ctx.fault.message ?? 'Unable to create instance.', new_contract: 0 });
    }

    const env: Record<string, string> = {};
    if (isObject(body.env)) for (const [k, v] of Object.entries(body.env)) env[k] = String(v);
    const now = world.now();
    const hasSsh = SSH_RUNTYPES.has(runtype);
    const runningAtMs = now + deps.timings.bootDelayMs;
    const id = String(world.nextVastId());
    const record = world.add({
      vendor: 'vastai',
      id,
      label: typeof body.label === 'string' ? body.label : '',
      vendorOfferId: askId,
      sku: bundle.sku,
      gpuCount: bundle.wire.num_gpus,
      // A bid bills at the bid; without one the offer is rented on-demand at dph_total.
      pricePerHourUsd: typeof body.price === 'number' ? body.price : bundle.wire.dph_total,
      runningAtMs,
      details: {
        kind: 'vastai',
        bundle,
        image,
        templateHashId,
        diskGb: typeof body.disk === 'number' ? body.disk : 10,
        runtype,
        env,
        onstart: optionalString(body.onstart) ?? null,
        bidPriceUsd: typeof body.price === 'number' ? body.price : null,
        // The rate the listing states (storage_cost × disk_space, per hour of a 30-day month), so a
        // client reading it can account the stopped disk exactly.
        storagePerHourMicros: usdToMicros((VAST_STORAGE_COST_PER_GB_MONTH * (typeof body.disk === 'number' ? body.disk : 10)) / (30 * 24)),
      },
    });
    if (hasSsh) {
      const cuda = bundle.wire.cuda_max_good.toFixed(1);
      record.node = await deps.startNode({
        vendor: 'vastai',
        instanceId: id,
        hostname: `C.${id}`,
        sku: bundle.sku,
        gpuCount: bundle.wire.num_gpus,
        driver: { driverVersion: bundle.wire.driver_version, cudaVersion: cuda },
        mounts: vastMounts(typeof body.disk === 'number' ? body.disk : 10),
        users: ['root'],
        sshReadyAtMs: runningAtMs,
        bootHeld: () => record.bootHeld,
        upgradeUntilMs: null,
      });
      const createKey = typeof body.ssh_key === 'string' ? parseAuthorizedKey(body.ssh_key) : null;
      if (createKey && deps.vastInstallsCreateKey) record.node.authorize('root', createKey, runningAtMs);
    }
    if (ctx.fault?.kind === 'error_body_200') {
      // Interruptible bids can come back as success:false with a real contract id (Q-V8).
      record.createOutcome = 'error_response';
      return { ...jsonReply(200, { success: false, error: ctx.fault.message ?? 'bid_not_accepted', msg: ctx.fault.message ?? 'Bid placed but not yet accepted.', new_contract: Number(id) }), created: record };
    }
    return { ...jsonReply(200, { success: true, new_contract: Number(id) }), created: record };
  };

  const attachKey = (ctx: RouteContext): RouteResult => {
    const id = ctx.match[1] ?? '';
    const record = live(id);
    if (!record) return notFound(id);
    const keyText = isObject(ctx.body) ? optionalString(ctx.body.ssh_key) : undefined;
    const key = keyText ? parseAuthorizedKey(keyText) : null;
    if (!key) return vastError(400, 'invalid_args', 'ssh_key must be a valid OpenSSH public key');
    // The key reaches the container 10–15 s after the call on the real service (scaled here).
    const runningAtMs = record.runningAtMs ?? world.now();
    record.node?.authorize('root', key, Math.max(world.now() + deps.timings.keyPropagationMs, runningAtMs));
    return jsonReply(200, { success: true, msg: 'SSH key attached.' });
  };

  const getInstance = (ctx: RouteContext): RouteResult => {
    const id = ctx.match[1] ?? '';
    const record = live(id);
    // A gone (or unknown) instance is a 200 with a null payload, not a 404 (Q-V4).
    return jsonReply(200, { instances: record ? instanceJson(record) : null });
  };

  const listInstances = (): RouteResult => jsonReply(200, { instances: world.live('vastai').map(instanceJson) });

  /**
   * `GET /api/v1/instances/`: keyset pages of at most 25 ordered by id — ascending, or descending
   * with `order_by=[{"col":"id","dir":"desc"}]` (newest first) — `after_token` from the previous
   * page's `next_token` (null on the last page); an unreadable token or order is a 400.
   */
  const listInstancesV1 = (ctx: RouteContext): RouteResult => {
    const limitRaw = ctx.url.searchParams.get('limit');
    const asked = limitRaw === null ? 25 : Number(limitRaw);
    if (!Number.isFinite(asked)) return vastError(400, 'invalid_args', 'limit must be a number');
    const limit = asked <= 0 ? 5 : Math.min(25, Math.floor(asked));
    const descending = idOrderDescending(ctx.url.searchParams.get('order_by'));
    if (descending === null) return vastError(400, 'invalid_args', 'order_by must be a list of {"col": "id", "dir": "asc" | "desc"}');
    const token = ctx.url.searchParams.get('after_token');
    let afterId = descending ? Infinity : -Infinity;
    if (token) {
      try {
        const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as unknown;
        const id = isObject(decoded) && isObject(decoded.values) ? decoded.values.id : undefined;
        if (typeof id !== 'number') throw new Error('no id');
        afterId = id;
      } catch {
        return vastError(400, 'invalid_args', 'invalid after_token');
      }
    }
    const all = world.live('vastai').sort((a, b) => (descending ? Number(b.id) - Number(a.id) : Number(a.id) - Number(b.id)));
    const rest = all.filter((r) => (descending ? Number(r.id) < afterId : Number(r.id) > afterId));
    const page = rest.slice(0, limit);
    const last = page.at(-1);
    const nextToken = rest.length > limit && last ? Buffer.from(JSON.stringify({ values: { id: Number(last.id) } })).toString('base64') : null;
    const labelCounts: Record<string, number> = {};
    for (const r of all) labelCounts[r.label] = (labelCounts[r.label] ?? 0) + 1;
    return jsonReply(200, { success: true, count: page.length, total_instances: all.length, label_counts: labelCounts, next_token: nextToken, instances: page.map(instanceJson) });
  };

  const destroyInstance = async (ctx: RouteContext): Promise<RouteResult> => {
    const id = ctx.match[1] ?? '';
    const record = live(id);
    if (!record) return notFound(id);
    if (ctx.fault?.kind !== 'destroy_ignored') await world.end(record, 'destroyed');
    return jsonReply(200, { success: true });
  };

  const balance = (): RouteResult => {
    const spentUsd = world.all('vastai').reduce((sum, r) => sum + world.snapshot(r).costUsd, 0);
    return jsonReply(200, { id: 424242, username: 'simulated', email: 'simulated@example.invalid', credit: Number((deps.vastCreditUsd - spentUsd).toFixed(6)), balance: 0, has_billing: true });
  };

  /** `GET /template/?select_filters=…` (the official CLI's search): the same operators as the offer search. */
  const templates = (ctx: RouteContext): RouteResult => {
    const raw = ctx.url.searchParams.get('select_filters');
    const query = parseQuery(raw, Number.MAX_SAFE_INTEGER);
    if (query instanceof Error) return vastError(400, 'invalid_args', `select_filters: ${query.message}`);
    const rows = TEMPLATES.filter((t) => {
      const wire = t as unknown as Readonly<Record<string, Comparable>>;
      return query.filters.every(([key, op, operand]) => !(key in wire) || compare(op, wire[key] ?? null, operand));
    });
    return jsonReply(200, { success: true, templates: rows });
  };

  /** `PUT /instances/{id}/` with `{"state": "stopped"}`: the container stops, the disk stays (and bills). */
  const setInstanceState = async (ctx: RouteContext): Promise<RouteResult> => {
    const id = ctx.match[1] ?? '';
    const record = live(id);
    if (!record) return notFound(id);
    if (!isObject(ctx.body)) return vastError(400, 'invalid_args', 'request body must be a JSON object');
    const state = ctx.body.state;
    if (state === 'stopped') {
      record.intendedStatus = 'stopped';
      if (record.stoppedAtMs === null) await world.stop(record, 'exited');
      return jsonReply(200, { success: true });
    }
    if (state === 'running') return vastError(400, 'invalid_args', 'starting a stopped instance is not simulated');
    return vastError(400, 'invalid_args', 'state must be "stopped" or "running"');
  };

  /**
   * `PUT /instances/bid_price/{id}/` with `{"client_id": "me", "price": …}` (change bid): the new bid
   * bills from now on. Winning back an outbid instance is not simulated: it stays stopped.
   */
  const changeBid = (ctx: RouteContext): RouteResult => {
    const id = ctx.match[1] ?? '';
    const record = live(id);
    if (!record) return notFound(id);
    if (!isObject(ctx.body) || ctx.body.client_id !== 'me') return vastError(400, 'invalid_args', 'body must be {"client_id": "me", "price": <USD per hour>}');
    const price = ctx.body.price;
    if (typeof price !== 'number' || price < 0.001 || price > 32) return vastError(400, 'invalid_args', 'price must be a bid between 0.001 and 32 USD per hour');
    if (record.details.kind !== 'vastai' || record.details.bidPriceUsd === null) return vastError(400, 'invalid_args', `instance ${id} is not an interruptible instance`);
    world.changeBid(record, price);
    return jsonReply(200, { success: true });
  };

  const idOf = (match: RegExpExecArray): string | undefined => match[1];
  // Routes live under /api: most are v0, the instance listing is v1 (v0's is deprecated but served).
  const routes: VendorRoute[] = [
    { method: 'POST', pattern: /^\/v0\/bundles\/$/, operation: 'listOffers', handle: searchOffers },
    { method: 'GET', pattern: /^\/v0\/bundles\/$/, operation: 'listOffers', handle: (ctx) => listOffers(ctx.url.searchParams.get('q')) },
    { method: 'PUT', pattern: /^\/v0\/asks\/([^/]+)\/$/, operation: 'createInstance', offerId: idOf, handle: createInstance },
    { method: 'POST', pattern: /^\/v0\/instances\/([^/]+)\/ssh\/$/, operation: 'attachSshKey', instanceId: idOf, handle: attachKey },
    { method: 'GET', pattern: /^\/v1\/instances\/$/, operation: 'listInstances', handle: listInstancesV1 },
    { method: 'GET', pattern: /^\/v0\/instances\/$/, operation: 'listInstances', handle: listInstances },
    { method: 'GET', pattern: /^\/v0\/instances\/([^/]+)\/$/, operation: 'getInstance', instanceId: idOf, handle: getInstance },
    { method: 'DELETE', pattern: /^\/v0\/instances\/([^/]+)\/$/, operation: 'destroyInstance', instanceId: idOf, handle: destroyInstance },
    { method: 'PUT', pattern: /^\/v0\/instances\/bid_price\/([^/]+)\/$/, operation: 'changeBid', instanceId: idOf, handle: changeBid },
    { method: 'PUT', pattern: /^\/v0\/instances\/([^/]+)\/$/, operation: 'stopInstance', instanceId: idOf, handle: setInstanceState },
    { method: 'GET', pattern: /^\/v0\/users\/current\/$/, operation: 'getBalance', handle: balance },
    { method: 'GET', pattern: /^\/v0\/template\/$/, operation: 'listTemplates', handle: templates },
  ];

  return {
    vendor: 'vastai',
    basePath: '/api',
    publicPath: '/api/v0',
    routes,
    authenticate: (req, url) => {
      const header = req.headers.authorization ?? '';
      const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      if (bearer || url.searchParams.get('api_key')) return null;
      return vastError(401, 'not_authorized', 'Authentication required: send Authorization: Bearer <api key>.');
    },
    errorReply: (status, reason, message) => {
      // The documented 429 body is {detail}.
      if (reason === 'rate_limited') return jsonReply(429, { detail: 'API requests too frequent endpoint threshold=4.5' });
      if (reason === 'unauthorized') return vastError(status, status === 403 ? 'forbidden' : 'not_authorized', 'Invalid API key.');
      if (reason === 'not_found') return vastError(status, 'not_found', message ?? 'Not found.');
      return vastError(status, status >= 500 ? 'server_error' : 'invalid_args', message ?? (status >= 500 ? 'Internal server error.' : 'Request failed.'));
    },
    emptyListReply: (operation, status) => jsonReply(status, operation === 'listOffers' ? { offers: [] } : { instances: [] }),
  };
}
