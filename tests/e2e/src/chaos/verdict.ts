/**
 * The chaos soak's judge: pure checks over the server's sessions and the simulator's ground truth,
 * taken after the faults are cleared and the system has settled. Each violation is one sentence
 * naming the session or instance, so a failing run says what broke, not just that something did.
 */

/** What the server says about one session (the API's snake_case fields). */
export interface SessionFacts {
  readonly id: string;
  readonly status: string;
  readonly provider: string;
  readonly provider_instance_id: string | null;
  readonly stop_reason: string | null;
  readonly error_type: string | null;
  readonly cost_so_far_micros: number;
  readonly price_per_hour_micros?: number;
  /** The reservation's end and the hard maximum (ISO 8601), as the session stands at the end. */
  readonly expires_at?: string;
  readonly hard_max_at?: string;
  /** When its billing ended (the destroy confirmed), whoever asked. */
  readonly stopped_at?: string | null;
  /**
   * When the service decided to stop it (its first event towards stopping or an end), read from its
   * event log by the soak; the enforcement time, before the vendor's destroy takes its own time.
   */
  readonly stop_requested_at?: string | null;
  readonly interruptible?: boolean;
  /** Spot: instances outbid so far (each destroyed before any other was rented). */
  readonly preemptions?: number;
}

/**
 * Deadlines: a reservation end or hard maximum that fell due must be enforced within `boundMs` of
 * falling due (the leader takeover bound: a deadline falling due while the leader is dead is
 * enforced by the next leader's first tick), whoever stopped the session.
 */
export interface DeadlineFacts {
  /** When the facts were read: deadlines due after `judgedAt - boundMs` cannot be late yet. */
  readonly judgedAt: Date;
  readonly boundMs: number;
}

/** What the simulator knows about one instance. */
export interface InstanceFacts {
  readonly vendor: string;
  readonly id: string;
  readonly label: string;
  readonly state: string;
  readonly destroyRequests: number;
  readonly costMicroUsd: number;
  readonly pricePerHourMicroUsd?: number;
  readonly createdAt?: string;
  readonly endedAt?: string | null;
  /** When another tenant's higher bid stopped it (Vast spot); null or absent otherwise. */
  readonly preemptedAt?: string | null;
}

/** What the workload saw: every session id each idempotency key was answered with. */
export interface WorkloadFacts {
  readonly answersByKey: ReadonlyMap<string, ReadonlySet<string>>;
}

const LIVE_STATUSES = new Set(['pending', 'provisioning', 'running', 'stopping']);
const DEAD_INSTANCE_STATES = new Set(['destroyed', 'vanished', 'failed']);
/** Reasons a session may end `terminated` with (failures end `failed`); anything else means we destroyed a workload on our own. */
const ACCEPTED_STOP_REASONS = new Set(['done', 'deleted', 'expired', 'hard_max', 'idle', 'budget', 'admin', 'preempted']);
/** "To the cent". */
export const LEDGER_TOLERANCE_MICROS = 10_000;

/** The session id a label names: `gpushop-<dep>-<ses>`, or Blue Lobster's `gpushop-<A>-<B>` without prefixes. */
export function sessionIdOfLabel(label: string, deploymentId: string): string | null {
  const depBody = deploymentId.replace(/^dep_/, '');
  const full = new RegExp(`^gpushop-${deploymentId}-(ses_[A-Za-z0-9]+)$`).exec(label);
  if (full?.[1]) return full[1];
  const short = new RegExp(`^gpushop-${depBody}-([A-Za-z0-9]+)$`).exec(label);
  return short?.[1] ? `ses_${short[1]}` : null;
}

export interface Verdict {
  readonly violations: string[];
  /** Ledger and bill of the sessions whose instance did not vanish (compared to the cent). */
  readonly ledgerMicros: number;
  readonly billedMicros: number;
  /** How far below the bill whole-second accrual may put the ledger (one second of each session's price). */
  readonly granularityMicros: number;
  /** The same for vanished instances (the ledger may exceed the bill by the detection delay). */
  readonly vanishedLedgerMicros: number;
  readonly vanishedBilledMicros: number;
  /** The same for sessions with an outbid instance (the ledger may exceed the bill by the detection delay, never fall below it). */
  readonly outbidLedgerMicros: number;
  readonly outbidBilledMicros: number;
  readonly counts: Readonly<Record<string, number>>;
}

/** How late each session's deadline was enforced, as violations; `deadlines` counts the deadlines that fell due. */
export function judgeDeadlines(sessions: readonly SessionFacts[], facts: DeadlineFacts): { violations: string[]; dueDeadlines: number; worstLatenessMs: number } {
  const violations: string[] = [];
  let dueDeadlines = 0;
  let worstLatenessMs = 0;
  for (const session of sessions) {
    const candidates = [
      { what: 'reservation end', at: session.expires_at },
      { what: 'hard maximum', at: session.hard_max_at },
    ]
      .filter((d): d is { what: string; at: string } => typeof d.at === 'string')
      .map((d) => ({ what: d.what, atMs: Date.parse(d.at) }))
      .sort((a, b) => a.atMs - b.atMs);
    const due = candidates[0];
    if (!due || Number.isNaN(due.atMs)) continue;
    const stoppedAt = session.stop_requested_at ?? session.stopped_at ?? null;
    const stoppedMs = stoppedAt ? Date.parse(stoppedAt) : null;
    // Stopped before it fell due (done, deleted, failed…): nothing to enforce.
    if (stoppedMs !== null && stoppedMs <= due.atMs) continue;
    if (due.atMs > facts.judgedAt.getTime()) continue;
    dueDeadlines++;
    if (stoppedMs === null) {
      if (due.atMs <= facts.judgedAt.getTime() - facts.boundMs && LIVE_STATUSES.has(session.status)) {
        violations.push(`session ${session.id}: its ${due.what} fell due at ${new Date(due.atMs).toISOString()} and it is still ${session.status} ${((facts.judgedAt.getTime() - due.atMs) / 1000).toFixed(1)} s later (bound ${facts.boundMs / 1000} s)`);
      }
      continue;
    }
    const lateMs = stoppedMs - due.atMs;
    worstLatenessMs = Math.max(worstLatenessMs, lateMs);
    if (lateMs > facts.boundMs) {
      violations.push(`session ${session.id}: its ${due.what} fell due at ${new Date(due.atMs).toISOString()} and was enforced ${(lateMs / 1000).toFixed(1)} s late (bound ${facts.boundMs / 1000} s)`);
    }
  }
  return { violations, dueDeadlines, worstLatenessMs };
}

export function judge(
  deploymentId: string,
  sessions: readonly SessionFacts[],
  instances: readonly InstanceFacts[],
  workload: WorkloadFacts,
  deadlines?: DeadlineFacts,
): Verdict {
  const violations: string[] = [];
  if (deadlines) violations.push(...judgeDeadlines(sessions, deadlines).violations);
  const byId = new Map(sessions.map((s) => [s.id, s]));
  const ours = instances.filter((i) => sessionIdOfLabel(i.label, deploymentId) !== null);

  for (const instance of instances) {
    if (!ours.includes(instance) && !DEAD_INSTANCE_STATES.has(instance.state)) {
      violations.push(`instance ${instance.vendor}/${instance.id} (${instance.label}) is not labelled by this deployment: the soak creates none`);
    }
  }
  for (const instance of ours) {
    const sessionId = sessionIdOfLabel(instance.label, deploymentId) ?? '';
    const session = byId.get(sessionId);
    const alive = !DEAD_INSTANCE_STATES.has(instance.state);
    if (!session) {
      violations.push(`instance ${instance.vendor}/${instance.id} is labelled for ${sessionId}, which the server does not know (lost session)`);
      continue;
    }
    if (alive && !LIVE_STATUSES.has(session.status)) {
      violations.push(`orphan: instance ${instance.vendor}/${instance.id} is ${instance.state} but session ${session.id} is ${session.status}`);
    }
    if (session.stop_reason === 'instance_vanished' && instance.state === 'destroyed' && instance.id === session.provider_instance_id) {
      violations.push(`session ${session.id} says its instance vanished, but we destroyed it`);
    }
  }
  for (const session of sessions) {
    if (LIVE_STATUSES.has(session.status)) {
      violations.push(`session ${session.id} is still ${session.status} after the drain`);
    }
    if (session.provider_instance_id && LIVE_STATUSES.has(session.status)) {
      const instance = ours.find((i) => i.id === session.provider_instance_id && i.vendor === session.provider);
      if (!instance || DEAD_INSTANCE_STATES.has(instance.state)) {
        violations.push(`session ${session.id} is ${session.status} but its instance ${session.provider_instance_id} is ${instance?.state ?? 'unknown to the provider'}`);
      }
    }
    if (session.status === 'terminated' && !ACCEPTED_STOP_REASONS.has(session.stop_reason ?? '')) {
      violations.push(`session ${session.id} was terminated with no accepted reason (${session.stop_reason ?? 'none'})`);
    }
    if (session.status === 'failed' && !session.error_type) {
      violations.push(`session ${session.id} failed without an error type`);
    }
  }
  // Never two live instances for one session (a reprovision or a retry creates only after the
  // previous instance was verified gone): their lifetimes at the vendor must not overlap.
  const lifetimes = new Map<string, InstanceFacts[]>();
  for (const instance of ours) {
    const sessionId = sessionIdOfLabel(instance.label, deploymentId) ?? '';
    if (instance.createdAt) lifetimes.set(sessionId, [...(lifetimes.get(sessionId) ?? []), instance]);
  }
  for (const [sessionId, list] of lifetimes) {
    const sorted = [...list].sort((a, b) => Date.parse(a.createdAt ?? '') - Date.parse(b.createdAt ?? ''));
    for (let i = 1; i < sorted.length; i++) {
      const earlier = sorted[i - 1] as InstanceFacts;
      const later = sorted[i] as InstanceFacts;
      const earlierEnd = earlier.endedAt ? Date.parse(earlier.endedAt) : Number.POSITIVE_INFINITY;
      if (Date.parse(later.createdAt ?? '') < earlierEnd) {
        violations.push(
          `session ${sessionId} held two live instances at once: ${later.vendor}/${later.id} was created at ${later.createdAt ?? '?'} while ${earlier.vendor}/${earlier.id} lived (${earlier.endedAt ? `until ${earlier.endedAt}` : earlier.state})`,
        );
      }
    }
  }
  for (const [key, ids] of workload.answersByKey) {
    if (ids.size !== 1) violations.push(`idempotency key ${key} was answered with ${ids.size} sessions (${[...ids].join(', ')})`);
    for (const id of ids) if (!byId.has(id)) violations.push(`session ${id} (key ${key}) was acknowledged but the server does not list it (lost)`);
  }
  // An instance that vanished on its own stopped billing at a moment nobody can observe: the ledger
  // ends it at the first read that found it missing, so it may only be higher than the bill, by the
  // detection delay. Those are compared that way; everything else to the cent.
  // An instance that vanished before the session ever learned its id (its create's answer was lost)
  // left no trace the service could see: its cost is unknowable and only reported.
  const vanishedSessions = new Set(ours.filter((i) => i.state === 'vanished').map((i) => sessionIdOfLabel(i.label, deploymentId)));
  // An outbid instance likewise: Vast states no time for the outbid, so the ledger ends its bid at
  // the first listing that shows it stopped (a pass later, or more while listings fail), and its
  // stopped disk bills on until the destroy. Its session's ledger may exceed the bill by the
  // detection delay but never fall below it (that would be storage, or anything else, unaccounted).
  const outbidSessions = new Set(ours.filter((i) => i.preemptedAt != null && i.state !== 'vanished').map((i) => sessionIdOfLabel(i.label, deploymentId)));
  const outbid = sessions.filter((s) => outbidSessions.has(s.id) && !vanishedSessions.has(s.id));
  const exact = sessions.filter((s) => !vanishedSessions.has(s.id) && !outbidSessions.has(s.id));
  const vanished = sessions.filter((s) => vanishedSessions.has(s.id) && s.provider_instance_id !== null);
  const billedFor = (list: readonly SessionFacts[]) => {
    const ids = new Set(list.map((s) => s.id));
    return ours.filter((i) => ids.has(sessionIdOfLabel(i.label, deploymentId) ?? '')).reduce((sum, i) => sum + i.costMicroUsd, 0);
  };
  const ledgerMicros = exact.reduce((sum, s) => sum + s.cost_so_far_micros, 0);
  const billedMicros = billedFor(exact);
  const vanishedLedgerMicros = vanished.reduce((sum, s) => sum + s.cost_so_far_micros, 0);
  const vanishedBilledMicros = billedFor(vanished);
  if (vanishedLedgerMicros + LEDGER_TOLERANCE_MICROS < vanishedBilledMicros) {
    violations.push(`vanished instances: ledger ${(vanishedLedgerMicros / 1e6).toFixed(6)} USD is below their bill ${(vanishedBilledMicros / 1e6).toFixed(6)} USD`);
  }
  const outbidLedgerMicros = outbid.reduce((sum, s) => sum + s.cost_so_far_micros, 0);
  const outbidBilledMicros = billedFor(outbid);
  if (outbidLedgerMicros + LEDGER_TOLERANCE_MICROS < outbidBilledMicros) {
    violations.push(`sessions with outbid instances: ledger ${(outbidLedgerMicros / 1e6).toFixed(6)} USD is below their bill ${(outbidBilledMicros / 1e6).toFixed(6)} USD`);
  }
  // The ledger accrues whole seconds (what most vendors bill); the simulator bills milliseconds. So
  // each session's ledger may sit below its bill by up to one second of its price, never above.
  const granularityMicros = exact.reduce((sum, s) => sum + Math.ceil((s.price_per_hour_micros ?? 0) / 3600), 0);
  const over = ledgerMicros - billedMicros;
  const under = billedMicros - ledgerMicros;
  if (over > LEDGER_TOLERANCE_MICROS || under > LEDGER_TOLERANCE_MICROS + granularityMicros) {
    // Name the sessions that differ most, so the cause can be found from the event log.
    const worst = exact
      .map((session) => {
        const instances = ours.filter((i) => sessionIdOfLabel(i.label, deploymentId) === session.id);
        const billed = instances.reduce((sum, i) => sum + i.costMicroUsd, 0);
        const lives = instances.map((i) => `${i.state} ${i.createdAt ?? '?'}..${i.endedAt ?? '?'} at ${i.pricePerHourMicroUsd ?? '?'} µUSD/h`).join(', ');
        return { id: session.id, ledger: session.cost_so_far_micros, billed, lives };
      })
      .filter((d) => d.ledger !== d.billed)
      .sort((a, b) => Math.abs(b.ledger - b.billed) - Math.abs(a.ledger - a.billed))
      .slice(0, 5)
      .map((d) => `${d.id} ledger ${d.ledger} µUSD, billed ${d.billed} µUSD [${d.lives}]`);
    violations.push(
      `ledger ${(ledgerMicros / 1e6).toFixed(6)} USD differs from the simulator's bill ${(billedMicros / 1e6).toFixed(6)} USD by more than a cent (beyond ${(granularityMicros / 1e6).toFixed(6)} USD of whole-second rounding)${worst.length ? ` (most: ${worst.join('; ')})` : ''}`,
    );
  }
  const counts: Record<string, number> = {};
  for (const s of sessions) {
    const outcome = [s.status, s.stop_reason, s.error_type].filter(Boolean).join('/');
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return { violations, ledgerMicros, billedMicros, granularityMicros, vanishedLedgerMicros, vanishedBilledMicros, outbidLedgerMicros, outbidBilledMicros, counts };
}
