import { chmod, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

import type { GpuShopper, Offer, OnPreempt, Session, SessionCreateParams, SessionCreateResponse, StoragePolicy, WorkloadType } from '@gpu-shopper/client';

import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { formatTime, formatUsd, renderFields } from '../output.js';
import { sshCommand } from './sessions.js';

export const WORKLOADS = ['llm', 'llm_vllm', 'llm_tgi', 'training', 'batch', 'interactive'] as const satisfies readonly WorkloadType[];
export const STORAGE_POLICIES = ['destroy', 'preserve'] as const satisfies readonly StoragePolicy[];
export const ON_PREEMPT = ['end', 'reprovision'] as const satisfies readonly OnPreempt[];

/** The server's default maximum bid over an offer's minimum bid, in percent (core's DEFAULT_BID_MARGIN_PERCENT). */
const DEFAULT_BID_MARGIN_PERCENT = 10;

/** Further offers tried by the server when `--gpu`'s pick turns out to be taken. */
export const GPU_AUTO_RETRIES = 3;

export interface ProvisionOptions {
  readonly consumer: string;
  readonly offer?: string | undefined;
  readonly gpu?: string | undefined;
  readonly hours: number;
  readonly workload: WorkloadType;
  readonly idleTimeout: number;
  readonly storage: StoragePolicy;
  /** Interruptible (spot) with a bid. */
  readonly spot?: boolean | undefined;
  readonly maxBid?: number | undefined;
  readonly onPreempt?: OnPreempt | undefined;
}

/** `~/x` → `$HOME/x`; relative paths against the working directory. */
export function resolveKeyPath(input: string): string {
  const expanded = input === '~' || input.startsWith('~/') ? path.join(homedir(), input.slice(1)) : input;
  return path.resolve(expanded);
}

/**
 * Checked **before** renting: the key is shown only once, so a path we could not write would lose
 * it. Refuses an existing file (never overwrites a key) and a missing parent directory.
 */
export async function checkKeyPath(keyPath: string): Promise<void> {
  const exists = await stat(keyPath).then(
    () => true,
    () => false,
  );
  if (exists) {
    throw new CliError(`--save-key: ${keyPath} already exists; refusing to overwrite it`, {
      exitCode: EXIT.USAGE,
      code: 'KEY_FILE_EXISTS',
      nextStep: 'choose a new path, or move the old key away first',
    });
  }
  const parent = await stat(path.dirname(keyPath)).catch(() => undefined);
  if (!parent?.isDirectory()) {
    throw new CliError(`--save-key: directory ${path.dirname(keyPath)} does not exist`, {
      exitCode: EXIT.USAGE,
      code: 'KEY_DIR_MISSING',
      nextStep: `create it first (mkdir -p ${path.dirname(keyPath)})`,
    });
  }
}

/** Writes the private key with mode 0600; `wx` refuses a file that appeared since the check. */
export async function saveKey(keyPath: string, privateKey: string): Promise<void> {
  await writeFile(keyPath, privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(keyPath, 0o600);
}

/** The offer a provision would rent: the one named, or the cheapest available of the GPU type. */
export async function chooseOffer(client: GpuShopper, options: Pick<ProvisionOptions, 'offer' | 'gpu' | 'spot' | 'maxBid'>): Promise<Offer> {
  if (options.offer) return client.inventory.retrieve(options.offer);
  const gpu = options.gpu ?? '';
  // As the server picks: with --spot the cheapest spot offer whose minimum bid is within --max-bid.
  const { offers } = await client.inventory.list({ gpu, sort: 'price', ...(options.spot ? { pricing: 'spot' as const } : { limit: 1 }) });
  const biddable = options.spot && options.maxBid !== undefined ? offers.filter((o) => (o.min_bid ?? Infinity) <= (options.maxBid ?? 0)) : offers;
  const offer = biddable.find((o) => o.available) ?? biddable[0];
  if (!offer) {
    throw new CliError(`no available offer for GPU "${gpu}"`, {
      exitCode: EXIT.NOT_FOUND,
      code: 'OFFER_NOT_FOUND',
      nextStep: "see what is on offer with 'gpu-shopper inventory'",
    });
  }
  return offer;
}

export interface DryRunResult {
  readonly dry_run: true;
  readonly consumer_id: string;
  readonly offer: Offer;
  readonly reservation_hours: number;
  /** Price per hour × reserved hours: what the session can cost at most (before any extension). */
  readonly worst_case_cost: number;
  /** Interruptible (spot): the worst case counts the maximum bid plus storage. */
  readonly spot: boolean;
}

export async function dryRun(client: GpuShopper, options: ProvisionOptions): Promise<DryRunResult> {
  const offer = await chooseOffer(client, options);
  // Exact in micro-USD, then back to dollars. A spot session's worst case is its maximum bid plus
  // storage for every hour, as the server's budget check counts it.
  const worstCaseMicros = worstCaseRateMicros(offer, options) * options.hours;
  return { dry_run: true, consumer_id: options.consumer, offer, reservation_hours: options.hours, worst_case_cost: worstCaseMicros / 1_000_000, spot: options.spot === true };
}

/** Per hour at worst: the offer's price, or for --spot the maximum bid plus the offer's storage rate. */
export function worstCaseRateMicros(offer: Offer, options: Pick<ProvisionOptions, 'spot' | 'maxBid'>): number {
  if (!options.spot || offer.min_bid_micros === null) return offer.price_per_hour_micros;
  const storage = Math.max(0, offer.price_per_hour_micros - offer.min_bid_micros);
  const maxBid = options.maxBid !== undefined ? Math.round(options.maxBid * 1_000_000) : Math.ceil((offer.min_bid_micros * (100 + DEFAULT_BID_MARGIN_PERCENT)) / 100);
  return maxBid + storage;
}

export function renderDryRun(result: DryRunResult, autoSelected: boolean): string {
  const { offer } = result;
  return [
    `${autoSelected ? 'Auto-selected' : 'Chosen'} offer ${offer.id} (${offer.gpu_type}, ${formatUsd(offer.price_per_hour)}/hr)`,
    '',
    'Dry run: nothing was rented.',
    renderFields(
      [
        ['Offer ID', offer.id],
        ['Provider', offer.provider],
        ['GPU Type', `${offer.gpu_count}x ${offer.gpu_type} (${offer.vram_gb}GB)`],
        ['Location', offer.location],
        ['Price/Hour', formatUsd(offer.price_per_hour)],
        ['Hours', String(result.reservation_hours)],
        ['Worst Case', `${formatUsd(result.worst_case_cost)} (${result.spot ? 'maximum bid plus storage' : 'price'} × reserved hours)`],
      ],
      { indent: '  ', gap: 2 },
    ),
  ].join('\n');
}

export async function createSession(client: GpuShopper, options: ProvisionOptions): Promise<SessionCreateResponse> {
  const body: SessionCreateParams = {
    consumer_id: options.consumer,
    reservation_hours: options.hours,
    workload_type: options.workload,
    idle_timeout: options.idleTimeout,
    storage_policy: options.storage,
  };
  if (options.spot) {
    body.pricing = 'spot';
    if (options.maxBid !== undefined) body.max_bid = options.maxBid;
    if (options.onPreempt) body.on_preempt = options.onPreempt;
  }
  if (options.offer) {
    body.offer_id = options.offer;
  } else if (options.gpu) {
    // "The cheapest available offer of that GPU": if the one picked is gone by the time it is
    // rented (offers are cached for a minute), the server moves on to the next one of the same GPU.
    body.gpu = options.gpu;
    body.auto_retry = true;
    body.max_retries = GPU_AUTO_RETRIES;
    body.retry_scope = 'same_gpu';
  }
  return client.sessions.create(body);
}

/** The provision summary of SEED.md: session, SSH endpoint, and the key (or where it was saved). */
export function renderProvisioned(created: SessionCreateResponse, session: Session, options: { autoSelected: boolean; keyPath?: string | undefined; waiting?: boolean }): string {
  const { offer } = created;
  const lines: string[] = [];
  if (options.autoSelected) lines.push(`Auto-selected offer ${offer.id} (${offer.gpu_type}, ${formatUsd(offer.price_per_hour)}/hr)`);
  lines.push(
    created.replayed ? 'Session already provisioned (repeated request).' : 'Session provisioned successfully!',
    renderFields(
      [
        ['Session ID', session.id],
        ['Provider', session.provider],
        ['GPU Type', session.gpu_type],
        ['Status', session.status],
        ['Price/Hour', formatUsd(session.price_per_hour)],
        ['Expires At', formatTime(session.expires_at)],
      ],
      { indent: '  ', gap: 2 },
    ),
    '',
    'SSH Connection:',
  );
  if (session.ssh_host && session.ssh_port && session.ssh_user) {
    lines.push(renderFields([['Host', session.ssh_host], ['Port', String(session.ssh_port)], ['User', session.ssh_user]], { indent: '  ' }));
  } else {
    // The session is created before the provider is asked: the endpoint comes once the instance is up.
    lines.push(
      options.waiting
        ? '  (not known yet: waiting for the instance to come up)'
        : `  (not known yet: add --wait to wait for them, or see 'gpu-shopper sessions get ${session.id}' once it is running)`,
    );
  }
  lines.push('');
  if (options.keyPath) {
    lines.push(`SSH private key saved to ${options.keyPath} (mode 0600).`);
  } else if (created.ssh_private_key) {
    lines.push('SSH Private Key (save this, shown only once):', '---BEGIN---', created.ssh_private_key.trimEnd(), '---END---');
  }
  if (session.status === 'running') {
    const ssh = sshCommand(session, options.keyPath ?? '<key-file>');
    if (ssh) lines.push('', 'Connect with:', `  ${ssh}`);
  } else {
    lines.push('', `Note: The session is ${session.status}. Check status with:`, `  gpu-shopper sessions get ${session.id}`);
  }
  return lines.join('\n');
}
