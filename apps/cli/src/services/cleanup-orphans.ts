import { createInterface } from 'node:readline/promises';

import { APIConnectionError, AuthenticationError, NotFoundError, PermissionDeniedError, type GpuShopper } from '@gpu-shopper/client';
import { createProviderAdapters, type ProviderCredentials } from '@gpu-shopper/providers';

import { formatTime, formatUsd, renderTable, type Io } from '../output.js';

export const CLEANUP_PROVIDERS = ['vastai', 'tensordock', 'bluelobster'] as const;
export type CleanupProvider = (typeof CLEANUP_PROVIDERS)[number];

/** The label prefix every instance GPU Shopper creates carries: `gpushop-<deploymentId>-<sessionId>`. */
export const LABEL_PREFIX = 'gpushop-';

/**
 * Reads a label back into deployment and session ids, exactly as core's `parseSessionLabel` does
 * (the CLI may not import core; the end-to-end test checks both agree on a label the server made).
 */
export function parseLabel(label: string | null): { deploymentId: string; sessionId: string } | undefined {
  const match = label ? /^gpushop-([A-Za-z0-9_]+)-([A-Za-z0-9_]+)$/.exec(label.trim()) : null;
  if (!match?.[1] || !match[2]) return undefined;
  return { deploymentId: match[1], sessionId: match[2] };
}

/**
 * - `orphan`: the server that owns the label's deployment was asked and has no live session for it;
 * - `unverified`: nobody could be asked (no server, another deployment, no credentials): a
 *   candidate, as in an emergency when the server is gone;
 * - `live`: the owning server says its session is alive — never destroyed.
 */
export type Verdict = 'orphan' | 'unverified' | 'live';

export interface ManagedInstance {
  readonly provider: CleanupProvider;
  readonly instance_id: string;
  readonly name: string;
  readonly deployment_id: string;
  readonly session_id: string;
  readonly status: string;
  readonly price_per_hour: number | null;
  readonly started_at: string | null;
  readonly verdict: Verdict;
  readonly reason: string;
}

export interface ProviderScan {
  readonly provider: CleanupProvider;
  readonly ok: boolean;
  readonly managed: number;
  readonly foreign: number;
  readonly error: string | null;
}

export interface ScanResult {
  readonly providers: ProviderScan[];
  /** Destroy candidates (`orphan` and `unverified`). */
  readonly instances: ManagedInstance[];
  /** Instances of live sessions, left alone. */
  readonly live: ManagedInstance[];
  /** Instances without a GPU Shopper label, left alone. */
  readonly foreign_count: number;
  readonly server: { readonly url: string; readonly checked: boolean; readonly deployment_id: string | null; readonly note: string | null };
}

export interface DestroyOutcome {
  readonly provider: CleanupProvider;
  readonly instance_id: string;
  readonly ok: boolean;
  readonly error: string | null;
}

type Adapter = ReturnType<typeof createProviderAdapters>[number];

/** A quiet adapter logger: warnings and errors to stderr, nothing else. */
function adapterLogger(io: Io) {
  const logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message: string) => io.err(`warning: ${message}`),
    error: (message: string) => io.err(`error: ${message}`),
    child: () => logger,
  };
  return logger;
}

export function buildAdapters(credentials: ProviderCredentials, only: CleanupProvider | undefined, io: Io): Adapter[] {
  const selected: ProviderCredentials = only ? { [only]: credentials[only] } : credentials;
  return createProviderAdapters(selected, { logger: adapterLogger(io) });
}

interface ServerView {
  readonly deploymentId: string | null;
  readonly note: string | null;
  readonly client: GpuShopper | null;
}

/** Asks the server (if it answers) which deployment it is; the command works without it. */
async function serverView(client: GpuShopper | null): Promise<ServerView> {
  if (!client) return { deploymentId: null, note: 'server check skipped (--no-server)', client: null };
  try {
    const health = await client.health({ timeout: 3000, maxRetries: 0 });
    return { deploymentId: health.deployment_id, note: null, client };
  } catch (error) {
    const why = error instanceof APIConnectionError ? 'not reachable' : error instanceof Error ? error.message : String(error);
    return { deploymentId: null, note: `server ${client.baseURL} ${why}: cannot tell live sessions from orphans, so every GPU Shopper instance is listed`, client: null };
  }
}

async function judge(server: ServerView, deploymentId: string, sessionId: string): Promise<{ verdict: Verdict; reason: string }> {
  if (!server.client || !server.deploymentId) return { verdict: 'unverified', reason: 'no server to ask' };
  if (deploymentId !== server.deploymentId) return { verdict: 'unverified', reason: `another deployment (the server is ${server.deploymentId})` };
  try {
    const session = await server.client.sessions.retrieve(sessionId, { timeout: 10_000 });
    if (session.status === 'terminated' || session.status === 'failed') return { verdict: 'orphan', reason: `session ${session.status}` };
    return { verdict: 'live', reason: `session ${session.status}` };
  } catch (error) {
    if (error instanceof NotFoundError) return { verdict: 'orphan', reason: 'no such session' };
    if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
      return { verdict: 'unverified', reason: 'the server refused the lookup (set GPU_SHOPPER_API_KEY to the admin token)' };
    }
    return { verdict: 'unverified', reason: `session lookup failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Lists every provider's instances, keeps the labelled ones, and sorts them into candidates and live ones. */
export async function scanForOrphans(adapters: readonly Adapter[], client: GpuShopper | null, io: Io, serverUrl: string): Promise<ScanResult> {
  io.err('Scanning for orphan instances...');
  const server = await serverView(client);
  if (server.note) io.err(`Note: ${server.note}.`);
  else io.err(`Checking sessions with the server at ${serverUrl} (deployment ${server.deploymentId ?? '?'}).`);
  const providers: ProviderScan[] = [];
  const instances: ManagedInstance[] = [];
  const live: ManagedInstance[] = [];
  let foreignCount = 0;
  for (const adapter of adapters) {
    const provider: CleanupProvider = adapter.name;
    io.err(`Checking ${provider}...`);
    // Every instance of the account (prefix ''): the foreign ones are counted, never touched.
    const listed = await adapter.listInstances('');
    if (!listed.ok) {
      io.err(`  Listing failed: ${listed.err.message}`);
      providers.push({ provider, ok: false, managed: 0, foreign: 0, error: listed.err.message });
      continue;
    }
    let managed = 0;
    let foreign = 0;
    for (const instance of listed.val) {
      const parsed = parseLabel(instance.label);
      if (!parsed) {
        foreign++;
        continue;
      }
      managed++;
      const { verdict, reason } = await judge(server, parsed.deploymentId, parsed.sessionId);
      const entry: ManagedInstance = {
        provider,
        instance_id: instance.providerInstanceId,
        name: instance.label ?? '',
        deployment_id: parsed.deploymentId,
        session_id: parsed.sessionId,
        status: instance.state,
        price_per_hour: instance.pricePerHourMicros === null ? null : instance.pricePerHourMicros / 1_000_000,
        started_at: instance.startedAt ? instance.startedAt.toISOString() : null,
        verdict,
        reason,
      };
      (verdict === 'live' ? live : instances).push(entry);
    }
    foreignCount += foreign;
    io.err(`  Found ${managed} shopper-managed instance${managed === 1 ? '' : 's'}${foreign ? ` (and ${foreign} other${foreign === 1 ? '' : 's'}, left alone)` : ''}`);
    providers.push({ provider, ok: true, managed, foreign, error: null });
  }
  return {
    providers,
    instances,
    live,
    foreign_count: foreignCount,
    server: { url: serverUrl, checked: server.client !== null, deployment_id: server.deploymentId, note: server.note },
  };
}

export function combinedPricePerHour(instances: readonly ManagedInstance[]): number {
  return instances.reduce((sum, i) => sum + (i.price_per_hour ?? 0), 0);
}

/** The table of SEED.md (with the deployment each instance belongs to, and the verdict). */
export function renderScan(scan: ScanResult): string {
  const lines: string[] = [];
  if (scan.instances.length === 0) {
    lines.push('No orphan instances found.');
  } else {
    const rows = scan.instances.map((i) => [
      i.provider,
      i.instance_id,
      i.name,
      i.deployment_id,
      i.status,
      i.price_per_hour === null ? '-' : formatUsd(i.price_per_hour, 3),
      formatTime(i.started_at, 'minutes'),
      i.verdict === 'orphan' ? `orphan (${i.reason})` : `unverified (${i.reason})`,
    ]);
    lines.push(renderTable(['PROVIDER', 'INSTANCE ID', 'NAME', 'DEPLOYMENT', 'STATUS', 'PRICE/HR', 'STARTED', 'VERDICT'], rows, { rule: true }));
    const n = scan.instances.length;
    lines.push('', `Total: ${n} instance${n === 1 ? '' : 's'}, ${formatUsd(combinedPricePerHour(scan.instances), 3)}/hr combined cost`);
  }
  if (scan.live.length > 0) {
    lines.push('', `Left alone: ${scan.live.length} instance${scan.live.length === 1 ? '' : 's'} of live sessions (${scan.live.map((i) => `${i.provider}/${i.instance_id} → ${i.session_id}`).join(', ')})`);
  }
  if (scan.foreign_count > 0) {
    lines.push('', `Left alone: ${scan.foreign_count} instance${scan.foreign_count === 1 ? '' : 's'} without a GPU Shopper label (not ours to touch)`);
  }
  return lines.join('\n');
}

/** Asks on stderr, reads one line from stdin; only the word `yes` confirms. */
export async function confirmDestroy(count: number, io: Io): Promise<boolean> {
  io.err(`WARNING: You are about to destroy ${count} instance(s).`);
  process.stderr.write("Type 'yes' to confirm: ");
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    const answer = await new Promise<string | null>((resolve) => {
      rl.once('line', (line) => resolve(line));
      rl.once('close', () => resolve(null));
    });
    return answer?.trim() === 'yes';
  } finally {
    rl.close();
  }
}

/** Destroys each candidate (idempotent at every vendor: an instance already gone counts as destroyed). */
export async function destroyInstances(adapters: readonly Adapter[], instances: readonly ManagedInstance[], io: Io, echo: boolean): Promise<DestroyOutcome[]> {
  const byName = new Map(adapters.map((a) => [a.name as string, a]));
  const outcomes: DestroyOutcome[] = [];
  if (echo) io.out('Destroying instances...');
  for (const instance of instances) {
    const adapter = byName.get(instance.provider);
    const result = adapter ? await adapter.destroyInstance(instance.instance_id) : undefined;
    const ok = result?.ok === true;
    const error = result === undefined ? 'no adapter' : result.ok ? null : result.err.message;
    outcomes.push({ provider: instance.provider, instance_id: instance.instance_id, ok, error });
    if (echo) io.out(`Destroying ${instance.provider}/${instance.instance_id}... ${ok ? 'OK' : `FAILED (${error ?? 'unknown'})`}`);
  }
  return outcomes;
}
