import { noopLogger, type Logger } from '../logging/logger.js';
import { type ProviderAdapter, type ProviderInstance } from '../ports/provider-adapter.js';
import { type Repositories } from '../ports/repositories.js';
import { type PreemptionHandler } from './preemption.js';
import { type SessionTerminator } from '../provisioning/session-terminator.js';
import { type ProviderName } from '../providers/provider-name.js';
import { sessionEvent } from '../sessions/session-event.js';
import { LIVE_STATUSES, isTerminalStatus, parseSessionLabel, type Session, type SessionStatus } from '../sessions/session.js';
import { type Clock } from '../time/clock.js';
import { type IdGenerator } from '../ids/ids.js';

export interface ReconcilerOptions {
  readonly repositories: Repositories;
  readonly providers: ReadonlyMap<ProviderName, ProviderAdapter>;
  readonly terminator: SessionTerminator;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly deploymentId: string;
  /** An orphan is destroyed only after it has been seen this long (ORPHAN_GRACE_PERIOD). */
  readonly orphanGraceMs: number;
  /** Direct not-found reads, on consecutive passes, before a session missing from listings is closed. @default 3 */
  readonly ghostConfirmations?: number;
  readonly logger?: Logger;
  readonly onOrphanFound?: (instance: ProviderInstance) => void;
  readonly onOrphanDestroyed?: (instance: ProviderInstance) => void;
  readonly onPaused?: (provider: ProviderName, reason: string) => void;
  /** Spot sessions: what is done with an instance a listing shows outbid (`preempted`). */
  readonly preemptions?: PreemptionHandler;
}

/** An instance the reconciler will never touch: another deployment's, or not labelled by us at all. */
export interface ForeignInstance {
  readonly provider: ProviderName;
  readonly providerInstanceId: string;
  readonly label: string | null;
  /** The other deployment's id when the label is ours in form. */
  readonly deploymentId: string | null;
  readonly state: string;
}

/**
 * An instance with this deployment's label that no live session owns, as the reconciler last saw it:
 * waiting out the grace period, destroyed, or a destroy that failed (retried each pass).
 */
export interface OrphanRecord {
  readonly provider: ProviderName;
  readonly providerInstanceId: string;
  readonly label: string | null;
  /** The session the label names, when it exists (its status says why the instance is not owned). */
  readonly sessionId: string | null;
  readonly sessionStatus: SessionStatus | null;
  /** The provider's state of the instance when last listed. */
  readonly state: string;
  readonly firstSeenAt: Date;
  readonly lastSeenAt: Date;
  /** When the grace period ends and the reconciler destroys it. */
  readonly destroyAfter: Date;
  readonly outcome: 'waiting' | 'destroyed' | 'destroy_failed';
  readonly destroyedAt: Date | null;
  /** Why the last destroy failed. */
  readonly error: string | null;
}

/** What the reconciler knows now, for the admin view: its last pass, the orphans it holds, the ones it destroyed lately. */
export interface ReconcilerSnapshot {
  readonly lastPassAt: Date | null;
  readonly providers: ReconcileReport['providers'];
  /** Orphans seen in the last pass of their provider and not destroyed yet. */
  readonly orphans: readonly OrphanRecord[];
  /** The latest orphans destroyed by this process, newest first (at most RECENTLY_DESTROYED_KEPT). */
  readonly recentlyDestroyed: readonly OrphanRecord[];
  readonly foreign: readonly ForeignInstance[];
}

/** How many destroyed orphans the snapshot keeps: enough to explain a burst, bounded in memory. */
export const RECENTLY_DESTROYED_KEPT = 50;

export interface ReconcileReport {
  readonly providers: { provider: ProviderName; status: 'ok' | 'paused'; reason?: string; instances: number }[];
  readonly orphansFound: number;
  readonly orphansDestroyed: number;
  readonly ghostsConfirmed: number;
  /** Spot instances seen outbid in this pass and handled (ended or reprovisioning). */
  readonly preempted: number;
  readonly foreign: ForeignInstance[];
}

/**
 * Compares each provider's instances with the sessions, once per RECONCILIATION_INTERVAL, with one
 * listing per provider. Orphans (our label, no live session owning them) are destroyed after the
 * grace period; instances of other deployments or without our label are reported, never touched
 * (invariant 6). A failed listing pauses that provider's pass (invariant 5), and a session missing
 * from a listing is closed only after repeated direct not-found reads (invariant 7).
 */
export class Reconciler {
  private readonly logger: Logger;
  private readonly orphanFirstSeen = new Map<string, number>();
  /** Sessions whose instance was not found: how many passes in a row, and since when (billing ends there). */
  private readonly ghostMisses = new Map<string, { readonly count: number; readonly since: Date }>();
  private lastForeign: ForeignInstance[] = [];
  private readonly orphanRecords = new Map<string, OrphanRecord>();
  private recentlyDestroyed: OrphanRecord[] = [];
  private lastPassAt: Date | null = null;
  private lastProviders: ReconcileReport['providers'] = [];

  constructor(private readonly options: ReconcilerOptions) {
    this.logger = (options.logger ?? noopLogger).child({ component: 'reconciler' });
  }

  /** Foreign instances seen in the last pass (for the admin view). */
  get foreignInstances(): readonly ForeignInstance[] {
    return this.lastForeign;
  }

  /**
   * The orphans held now and the latest destroyed, from this process's passes (memory only: a restart
   * starts empty, and the grace period starts again, as it does for the destroy itself).
   */
  snapshot(): ReconcilerSnapshot {
    const byFirstSeen = (a: OrphanRecord, b: OrphanRecord) => a.firstSeenAt.getTime() - b.firstSeenAt.getTime();
    return {
      lastPassAt: this.lastPassAt,
      providers: [...this.lastProviders],
      orphans: [...this.orphanRecords.values()].sort(byFirstSeen),
      recentlyDestroyed: [...this.recentlyDestroyed],
      foreign: [...this.lastForeign],
    };
  }

  async pass(): Promise<ReconcileReport> {
    const report = { providers: [] as ReconcileReport['providers'], orphansFound: 0, orphansDestroyed: 0, ghostsConfirmed: 0, preempted: 0, foreign: [] as ForeignInstance[] };
    // Providers in parallel: one hanging or retrying vendor must not delay the others' cleanup.
    const perProvider = await Promise.all(
      [...this.options.providers].map(async ([name, provider]): Promise<ReconcileReport['providers'][number]> => {
        const listed = await provider.listInstances('');
        // When this listing showed what it shows: an outbid instance is seen (and its bid's billing ends) now.
        const listedAt = this.options.clock.now();
        if (!listed.ok) {
          // Never read a failed listing as "no instances": skip this provider entirely.
          const reason = `${listed.err.code}: ${listed.err.message}`;
          this.logger.error('reconciliation paused for a provider: listing failed', { provider: name, reason });
          this.options.onPaused?.(name, reason);
          return { provider: name, status: 'paused', reason, instances: 0 };
        }
        const seenIds = new Set(listed.val.map((i) => i.providerInstanceId));
        // One query for the provider's live sessions instead of one lookup per listed instance: a
        // pass over 50,000 instances must not be 50,000 queries. Only an instance this snapshot
        // does not show as owned is looked up again, fresh, before anything is destroyed.
        const live = await this.options.repositories.sessions.list({ provider: name, statuses: LIVE_STATUSES });
        const byLabel = new Map(live.map((s) => [s.label, s]));
        const outbid: { sessionId: string; instance: ProviderInstance }[] = [];
        for (const instance of listed.val) await this.examine(instance, report, byLabel, outbid);
        await this.preempted(outbid, listedAt, report);
        await this.checkGhosts(provider, live, seenIds, report);
        this.forgetVanishedOrphans(name, seenIds);
        return { provider: name, status: 'ok', instances: listed.val.length };
      }),
    );
    report.providers.push(...perProvider);
    this.lastForeign = report.foreign;
    this.lastProviders = perProvider;
    this.lastPassAt = this.options.clock.now();
    return report;
  }

  private async examine(
    instance: ProviderInstance,
    report: { orphansFound: number; orphansDestroyed: number; preempted: number; foreign: ForeignInstance[] },
    byLabel: ReadonlyMap<string, Session>,
    outbid: { sessionId: string; instance: ProviderInstance }[],
  ): Promise<void> {
    const parsed = instance.label ? parseSessionLabel(instance.label) : undefined;
    if (!parsed || parsed.deploymentId !== this.options.deploymentId) {
      report.foreign.push({
        provider: instance.provider,
        providerInstanceId: instance.providerInstanceId,
        label: instance.label,
        deploymentId: parsed?.deploymentId ?? null,
        state: instance.state,
      });
      return;
    }
    const snapshot = instance.label ? byLabel.get(instance.label) : undefined;
    if (snapshot && this.owns(snapshot, instance)) {
      this.orphanFirstSeen.delete(this.key(instance));
      if (instance.state === 'preempted' && snapshot.interruptible && this.options.preemptions) outbid.push({ sessionId: snapshot.id, instance });
      return;
    }
    const session = instance.label ? await this.options.repositories.sessions.findByLabel(instance.label) : undefined;
    if (session && this.owns(session, instance)) {
      this.orphanFirstSeen.delete(this.key(instance));
      this.orphanRecords.delete(this.key(instance));
      return;
    }
    report.orphansFound++;
    this.options.onOrphanFound?.(instance);
    const key = this.key(instance);
    const now = this.options.clock.now().getTime();
    const firstSeen = this.orphanFirstSeen.get(key) ?? now;
    this.orphanFirstSeen.set(key, firstSeen);
    const record: OrphanRecord = {
      provider: instance.provider,
      providerInstanceId: instance.providerInstanceId,
      label: instance.label,
      sessionId: session?.id ?? null,
      sessionStatus: session?.status ?? null,
      state: instance.state,
      firstSeenAt: new Date(firstSeen),
      lastSeenAt: new Date(now),
      destroyAfter: new Date(firstSeen + this.options.orphanGraceMs),
      outcome: 'waiting',
      destroyedAt: null,
      error: this.orphanRecords.get(key)?.error ?? null,
    };
    this.orphanRecords.set(key, record);
    if (now - firstSeen < this.options.orphanGraceMs) {
      this.logger.warn('orphan instance seen; inside the grace period', { provider: instance.provider, providerInstanceId: instance.providerInstanceId, label: instance.label });
      return;
    }
    const provider = this.options.providers.get(instance.provider);
    if (!provider) return;
    const destroyed = await provider.destroyInstance(instance.providerInstanceId);
    if (session) {
      // The session's event log explains every instance ever destroyed under its label.
      await this.options.repositories.sessions.appendEvent(
        sessionEvent({
          id: this.options.ids.next('sessionEvent'),
          sessionId: session.id,
          type: destroyed.ok ? 'destroy_attempted' : 'destroy_failed',
          actor: 'reconciler',
          reason: `orphan instance ${instance.providerInstanceId} destroyed (session is ${session.status})`,
          at: this.options.clock.now(),
          data: { providerInstanceId: instance.providerInstanceId, orphan: true },
        }),
      );
    }
    if (destroyed.ok) {
      report.orphansDestroyed++;
      this.orphanFirstSeen.delete(key);
      this.orphanRecords.delete(key);
      this.recentlyDestroyed = [{ ...record, outcome: 'destroyed' as const, destroyedAt: this.options.clock.now(), error: null }, ...this.recentlyDestroyed].slice(0, RECENTLY_DESTROYED_KEPT);
      this.logger.warn('orphan instance destroyed', { provider: instance.provider, providerInstanceId: instance.providerInstanceId, label: instance.label, sessionId: session?.id ?? null });
      this.options.onOrphanDestroyed?.(instance);
    } else {
      this.orphanRecords.set(key, { ...record, outcome: 'destroy_failed', error: `${destroyed.err.code}: ${destroyed.err.message}` });
      this.logger.error('orphan destroy failed; will retry next pass', { provider: instance.provider, providerInstanceId: instance.providerInstanceId, error: destroyed.err.message });
    }
  }

  /**
   * Owned spot instances the listing showed outbid: every one is recorded first, seen when the
   * listing was taken, then each is handled on the session as it is now. Handling one (a destroy to
   * verify, a reprovision) takes seconds; recorded one after another's handling, the next would be
   * billed at its bid for those seconds after its outbid.
   */
  private async preempted(outbid: readonly { sessionId: string; instance: ProviderInstance }[], seenAt: Date, report: { preempted: number }): Promise<void> {
    const handler = this.options.preemptions;
    if (!handler || outbid.length === 0) return;
    for (const { sessionId, instance } of outbid) {
      const session = await this.options.repositories.sessions.get(sessionId);
      if (session) await handler.record(session, instance, seenAt);
    }
    for (const { sessionId, instance } of outbid) {
      const session = await this.options.repositories.sessions.get(sessionId);
      if (!session) continue;
      const outcome = await handler.handle(session, instance, seenAt);
      if (outcome === 'ended' || outcome === 'reprovisioning') report.preempted++;
    }
  }

  /**
   * A live session owns its recorded instance, and any instance with its label while no id is
   * recorded yet (an in-flight create is never an orphan). A stopping session's instances are the
   * terminator's to destroy. A second instance next to a recorded one is a duplicate: an orphan.
   */
  private owns(session: Session, instance: ProviderInstance): boolean {
    if (isTerminalStatus(session.status)) return false;
    if (session.status === 'stopping' || session.status === 'pending') return true;
    return session.providerInstanceId === null || session.providerInstanceId === instance.providerInstanceId;
  }

  /**
   * `live` is the snapshot read after the listing (one query per pass, not two): a session the
   * examination above changed has its instance in the listing, so it is never taken for a ghost,
   * and an absence is confirmed with the provider before anything is done about it.
   */
  private async checkGhosts(provider: ProviderAdapter, live: readonly Session[], listed: Set<string>, report: { ghostsConfirmed: number; preempted: number }): Promise<void> {
    for (const session of live) {
      if (session.status !== 'provisioning' && session.status !== 'running' && session.status !== 'stopped') continue;
      const id = session.providerInstanceId;
      if (!id) continue;
      if (listed.has(id)) {
        this.ghostMisses.delete(session.id);
        continue;
      }
      // A preemption recorded before a restart cut its handling short: the outbid instance may be
      // destroyed already — by us, so it did not vanish. The handler carries on from the destroy.
      if (this.options.preemptions?.isRecorded(session)) {
        const outcome = await this.options.preemptions.resume(session);
        if (outcome !== 'not_preempted' && outcome !== 'retry_later') report.preempted++;
        continue;
      }
      const read = await provider.getInstance(id);
      if (read.ok || read.err.code !== 'PROVIDER_NOT_FOUND') {
        // Present after all, or the provider could not say: no evidence of absence.
        this.ghostMisses.delete(session.id);
        continue;
      }
      const previous = this.ghostMisses.get(session.id);
      const misses = (previous?.count ?? 0) + 1;
      const since = previous?.since ?? this.options.clock.now();
      this.ghostMisses.set(session.id, { count: misses, since });
      if (misses < (this.options.ghostConfirmations ?? 3)) {
        this.logger.warn('session instance missing from listing and not found; waiting for confirmation', { sessionId: session.id, misses });
        continue;
      }
      this.ghostMisses.delete(session.id);
      await this.options.terminator.confirmVanished(session, 'reconciler', `instance ${id} not found by ${misses} direct reads`, since);
      report.ghostsConfirmed++;
    }
  }

  private forgetVanishedOrphans(provider: ProviderName, listed: Set<string>): void {
    for (const key of this.orphanFirstSeen.keys()) {
      const [keyProvider, id] = key.split('\u0000');
      if (keyProvider === provider && id !== undefined && !listed.has(id)) this.orphanFirstSeen.delete(key);
    }
    for (const [key, record] of this.orphanRecords) {
      if (record.provider === provider && !listed.has(record.providerInstanceId)) this.orphanRecords.delete(key);
    }
  }

  private key(instance: ProviderInstance): string {
    return `${instance.provider}\u0000${instance.providerInstanceId}`;
  }
}
