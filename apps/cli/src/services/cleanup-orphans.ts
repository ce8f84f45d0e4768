import { createInterface } from 'node:readline/promises';

import { APIConnectionError, AuthenticationError, NotFoundError, PermissionDeniedError, type GpuShopper } from '@gpu-shopper/client';
import { parseSessionLabel } from '@gpu-shopper/core';
import { createProviderAdapters, type ProviderCredentials } from '@gpu-shopper/providers';

import { formatTime, formatUsd, renderTable, type Io } from '../output.js';

export const CLEANUP_PROVIDERS = ['vastai', 'tensordock', 'bluelobster'] as const;
export type CleanupProvider = (typeof CLEANUP_PROVIDERS)[number];

/** Reads a label back into deployment and session ids with core's own rule (`gpushop-<deploymentId>-<sessionId>`). */
export function parseLabel(label: string | null): { deploymentId: string; sessionId: string } | undefined {
  return label ? parseSessionLabel(label) : undefined;
}

/**
 * - `orphan`: the server of this deployment was asked **with the admin credential** and has no live
 *   session for the label: destroyed by `--execute`;
 * - `live`: that server says the session is alive: never destroyed;
 * - `unverified`: nobody could vouch for it (no server, a consumer key — which sees other consumers'
 *   sessions as "not found" —, a failed lookup): destroyed only with `--destroy-unverified`;
 * - `other_deployment`: labelled by another GPU Shopper installation sharing the provider account:
 *   destroyed only with `--destroy-other-deployments`.
 */
export type Verdict = 'orphan' | 'unverified' | 'other_deployment' | 'live';

/** The explicit, loudly named permissions beyond real orphans. */
export interface DestroyScope {
  readonly unverified: boolean;
  readonly otherDeployments: boolean;
}

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
  /** Whether `--execute` destroys it, given the verdict and the flags. */
  readonly destroy: boolean;
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
  /** Labelled instances that are not of a live session, each with its verdict and whether it is destroyed. */
  readonly instances: ManagedInstance[];
  /** Instances of live sessions, left alone. */
  readonly live: ManagedInstance[];
  /** Instances without a GPU Shopper label, left alone. */
  readonly foreign_count: number;
  readonly server: {
    readonly url: string;
    readonly checked: boolean;
    readonly deployment_id: string | null;
    /** `admin` or `consumer` (what the credential could see), null when the server was not asked. */
    readonly role: 'admin' | 'consumer' | null;
    readonly note: string | null;
  };
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
  readonly role: 'admin' | 'consumer' | null;
  readonly note: string | null;
  /** Set only when the server may classify orphans: it answered and the credential is the admin's. */
  readonly client: GpuShopper | null;
}

/**
 * Asks the server (if it answers) which deployment it is and what the credential is. Only the admin
 * sees every consumer's sessions: a consumer key is told "not found" for the others', which must
 * never be read as "orphan". The command works without a server; nothing is then an orphan.
 */
async function serverView(client: GpuShopper | null): Promise<ServerView> {
  if (!client) return { deploymentId: null, role: null, note: 'server check skipped (--no-check-server): nothing can be verified as an orphan', client: null };
  let deploymentId: string;
  try {
    deploymentId = (await client.health({ timeout: 3000, maxRetries: 0 })).deployment_id;
  } catch (error) {
    const why = error instanceof APIConnectionError ? 'not reachable' : error instanceof Error ? error.message : String(error);
    return { deploymentId: null, role: null, note: `server ${client.baseURL} ${why}: cannot tell live sessions from orphans, so nothing is verified`, client: null };
  }
  try {
    const me = await client.whoami({ timeout: 5000, maxRetries: 0 });
    if (me.role !== 'admin') {
      return {
        deploymentId,
        role: me.role,
        note: `the credential is consumer '${me.consumer_id ?? '?'}'s API key, which cannot see other consumers' sessions: nothing is verified as an orphan (set GPU_SHOPPER_API_KEY to the admin token)`,
        client: null,
      };
    }
    return { deploymentId, role: 'admin', note: null, client };
  } catch (error) {
    const why =
      error instanceof AuthenticationError || error instanceof PermissionDeniedError
        ? 'refused the credential (set GPU_SHOPPER_API_KEY to the admin token)'
        : `could not say who the credential is (${error instanceof Error ? error.message : String(error)})`;
    return { deploymentId, role: null, note: `server ${client.baseURL} ${why}: nothing is verified as an orphan`, client: null };
  }
}

async function judge(server: ServerView, deploymentId: string, sessionId: string): Promise<{ verdict: Verdict; reason: string }> {
  if (server.deploymentId && deploymentId !== server.deploymentId) return { verdict: 'other_deployment', reason: `another deployment (the server is ${server.deploymentId})` };
  if (!server.client) {
    const reason = server.role === 'consumer' ? 'a consumer key cannot see other consumers\' sessions' : server.deploymentId ? 'the server could not be asked with the admin credential' : 'no server to ask';
    return { verdict: 'unverified', reason };
  }
  try {
    const session = await server.client.sessions.retrieve(sessionId, { timeout: 10_000 });
    if (session.status === 'terminated' || session.status === 'failed') return { verdict: 'orphan', reason: `session ${session.status}` };
    return { verdict: 'live', reason: `session ${session.status}` };
  } catch (error) {
    if (error instanceof NotFoundError) return { verdict: 'orphan', reason: 'no such session' };
    return { verdict: 'unverified', reason: `session lookup failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Whether `--execute` destroys an instance of this verdict, given the explicit flags. */
export function isDestroyed(verdict: Verdict, scope: DestroyScope): boolean {
  switch (verdict) {
    case 'orphan':
      return true;
    case 'unverified':
      return scope.unverified;
    case 'other_deployment':
      return scope.otherDeployments;
    case 'live':
      return false;
  }
}

/** Lists every provider's instances, keeps the labelled ones, and sorts them into candidates and live ones. */
export async function scanForOrphans(adapters: readonly Adapter[], client: GpuShopper | null, io: Io, serverUrl: string, scope: DestroyScope): Promise<ScanResult> {
  io.err('Scanning for orphan instances...');
  const server = await serverView(client);
  if (server.note) io.err(`Note: ${server.note}.`);
  else io.err(`Checking sessions with the server at ${serverUrl} as admin (deployment ${server.deploymentId ?? '?'}).`);
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
        destroy: isDestroyed(verdict, scope),
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
    server: { url: serverUrl, checked: server.client !== null, deployment_id: server.deploymentId, role: server.role, note: server.note },
  };
}

export function combinedPricePerHour(instances: readonly ManagedInstance[]): number {
  return instances.reduce((sum, i) => sum + (i.price_per_hour ?? 0), 0);
}

const VERDICT_FLAG: Partial<Record<Verdict, string>> = { unverified: '--destroy-unverified', other_deployment: '--destroy-other-deployments' };

/** What `--execute` would destroy. */
export function toDestroy(scan: ScanResult): ManagedInstance[] {
  return scan.instances.filter((i) => i.destroy);
}

/** The table of SEED.md (with the deployment each instance belongs to, the verdict and what --execute does). */
export function renderScan(scan: ScanResult): string {
  const lines: string[] = [];
  const doomed = toDestroy(scan);
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
      `${i.verdict.replace('_', ' ')} (${i.reason})`,
      i.destroy ? 'destroy' : 'keep',
    ]);
    lines.push(renderTable(['PROVIDER', 'INSTANCE ID', 'NAME', 'DEPLOYMENT', 'STATUS', 'PRICE/HR', 'STARTED', 'VERDICT', 'ON --EXECUTE'], rows, { rule: true }));
    const n = doomed.length;
    lines.push('', `Total: ${n} instance${n === 1 ? '' : 's'} to destroy, ${formatUsd(combinedPricePerHour(doomed), 3)}/hr combined cost`);
  }
  for (const verdict of ['unverified', 'other_deployment'] as const) {
    const kept = scan.instances.filter((i) => i.verdict === verdict && !i.destroy);
    if (kept.length === 0) continue;
    const what = verdict === 'unverified' ? 'unverified' : 'of other deployments';
    const why = verdict === 'unverified' ? 'they may belong to live sessions nobody could check' : 'another installation on this provider account manages them';
    lines.push('', `Kept: ${kept.length} instance${kept.length === 1 ? '' : 's'} ${what} (${why}); ${VERDICT_FLAG[verdict] ?? ''} destroys them`);
  }
  if (scan.live.length > 0) {
    lines.push('', `Left alone: ${scan.live.length} instance${scan.live.length === 1 ? '' : 's'} of live sessions (${scan.live.map((i) => `${i.provider}/${i.instance_id} → ${i.session_id}`).join(', ')})`);
  }
  if (scan.foreign_count > 0) {
    lines.push('', `Left alone: ${scan.foreign_count} instance${scan.foreign_count === 1 ? '' : 's'} without a GPU Shopper label (not ours to touch)`);
  }
  return lines.join('\n');
}

/** Lists on stderr exactly what will be destroyed and why, then reads one line from stdin; only `yes` confirms. */
export async function confirmDestroy(instances: readonly ManagedInstance[], io: Io): Promise<boolean> {
  io.err(`WARNING: You are about to destroy ${instances.length} instance(s):`);
  for (const i of instances) io.err(`  ${i.provider}/${i.instance_id}  ${i.name}  ${i.verdict.replace('_', ' ')}: ${i.reason}`);
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
