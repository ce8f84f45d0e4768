import { judge, judgeDeadlines, sessionIdOfLabel, type InstanceFacts, type SessionFacts } from './verdict.js';

const DEP = 'dep_01ABC';
const session = (id: string, over: Partial<SessionFacts> = {}): SessionFacts => ({
  id,
  status: 'terminated',
  provider: 'vastai',
  provider_instance_id: `i-${id}`,
  stop_reason: 'done',
  error_type: null,
  cost_so_far_micros: 1000,
  ...over,
});
const instance = (sessionId: string, over: Partial<InstanceFacts> = {}): InstanceFacts => ({
  vendor: 'vastai',
  id: `i-${sessionId}`,
  label: `gpushop-${DEP}-${sessionId}`,
  state: 'destroyed',
  destroyRequests: 1,
  costMicroUsd: 1000,
  ...over,
});
const noWorkload = { answersByKey: new Map<string, Set<string>>() };

describe('chaos verdict', () => {
  it('reads our labels, including Blue Lobster names without prefixes', () => {
    expect(sessionIdOfLabel(`gpushop-${DEP}-ses_01XYZ`, DEP)).toBe('ses_01XYZ');
    expect(sessionIdOfLabel('gpushop-01ABC-01XYZ', DEP)).toBe('ses_01XYZ');
    expect(sessionIdOfLabel('gpushop-dep_OTHER-ses_01XYZ', DEP)).toBeNull();
  });

  it('passes a clean run', () => {
    const verdict = judge(DEP, [session('ses_1'), session('ses_2')], [instance('ses_1'), instance('ses_2')], { answersByKey: new Map([['k1', new Set(['ses_1'])]]) });
    expect(verdict.violations).toEqual([]);
    expect(verdict.counts).toEqual({ 'terminated/done': 2 });
  });

  it('finds an orphan, a lost session, a duplicate answer and an unexplained destroy', () => {
    const verdict = judge(
      DEP,
      [session('ses_1'), session('ses_2', { status: 'failed', stop_reason: 'instance_vanished', error_type: 'instance_vanished' }), session('ses_3', { stop_reason: null })],
      [instance('ses_1', { state: 'running' }), instance('ses_2'), instance('ses_3'), instance('ses_9')],
      { answersByKey: new Map([['k1', new Set(['ses_1', 'ses_4'])]]) },
    );
    expect(verdict.violations).toEqual([
      'orphan: instance vastai/i-ses_1 is running but session ses_1 is terminated',
      'session ses_2 says its instance vanished, but we destroyed it',
      'instance vastai/i-ses_9 is labelled for ses_9, which the server does not know (lost session)',
      'session ses_3 was terminated with no accepted reason (none)',
      'idempotency key k1 was answered with 2 sessions (ses_1, ses_4)',
      'session ses_4 (key k1) was acknowledged but the server does not list it (lost)',
    ]);
  });

  it('lets the ledger of a session whose instance was outbid exceed the bill (the outbid is seen a pass later), never fall below it (storage unaccounted)', () => {
    const outbid = { preemptedAt: '2026-12-07T00:00:05.000Z' };
    const over = judge(DEP, [session('ses_1', { status: 'terminated', stop_reason: 'preempted', cost_so_far_micros: 90_000 })], [instance('ses_1', { ...outbid, costMicroUsd: 20_000 })], noWorkload);
    expect(over.violations).toEqual([]);
    expect(over).toMatchObject({ outbidLedgerMicros: 90_000, outbidBilledMicros: 20_000, ledgerMicros: 0, billedMicros: 0 });
    const under = judge(DEP, [session('ses_1', { status: 'terminated', stop_reason: 'preempted', cost_so_far_micros: 5_000 })], [instance('ses_1', { ...outbid, costMicroUsd: 20_000 })], noWorkload);
    expect(under.violations).toEqual(['sessions with outbid instances: ledger 0.005000 USD is below their bill 0.020000 USD']);
    // Never outbid: compared to the cent, as before
    const exact = judge(DEP, [session('ses_1', { cost_so_far_micros: 90_000 })], [instance('ses_1', { costMicroUsd: 20_000 })], noWorkload);
    expect(exact.violations).toHaveLength(1);
  });

  it('flags a session that held two live instances at once, and passes one whose instances followed each other', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 0, 0, s)).toISOString();
    const instances = [
      instance('ses_1', { id: 'a1', createdAt: at(0), endedAt: at(10) }),
      instance('ses_1', { id: 'a2', createdAt: at(12), endedAt: at(20) }),
      instance('ses_2', { id: 'b1', createdAt: at(0), endedAt: at(10) }),
      instance('ses_2', { id: 'b2', createdAt: at(9), endedAt: at(20) }),
    ];
    const verdict = judge(DEP, [session('ses_1', { cost_so_far_micros: 2000 }), session('ses_2', { cost_so_far_micros: 2000 })], instances, noWorkload);
    expect(verdict.violations).toEqual([`session ses_2 held two live instances at once: vastai/b2 was created at ${at(9)} while vastai/b1 lived (until ${at(10)})`]);
  });

  it('flags a ledger that differs from the bill by more than a cent, and a session left live', () => {
    const verdict = judge(DEP, [session('ses_1', { cost_so_far_micros: 500_000 }), session('ses_2', { status: 'stopping', stop_reason: 'done' })], [instance('ses_1', { costMicroUsd: 520_000 }), instance('ses_2', { state: 'running' })], noWorkload);
    expect(verdict.violations).toEqual([
      'session ses_2 is still stopping after the drain',
      "ledger 0.501000 USD differs from the simulator's bill 0.521000 USD by more than a cent (beyond 0.000000 USD of whole-second rounding) (most: ses_1 ledger 500000 µUSD, billed 520000 µUSD [destroyed ?..? at ? µUSD/h])",
    ]);
  });
});

describe('chaos verdict: vanished instances', () => {
  it('lets the ledger exceed the bill of an instance that vanished (detection delay), never fall below it', () => {
    const over = judge(DEP, [session('ses_1', { status: 'failed', stop_reason: 'instance_vanished', error_type: 'instance_vanished', cost_so_far_micros: 90_000 })], [instance('ses_1', { state: 'vanished', costMicroUsd: 20_000 })], noWorkload);
    expect(over.violations).toEqual([]);
    const under = judge(DEP, [session('ses_1', { status: 'failed', stop_reason: 'instance_vanished', error_type: 'instance_vanished', cost_so_far_micros: 5_000 })], [instance('ses_1', { state: 'vanished', costMicroUsd: 20_000 })], noWorkload);
    expect(under.violations).toEqual(['vanished instances: ledger 0.005000 USD is below their bill 0.020000 USD']);
  });
});

describe('chaos verdict: ledger granularity', () => {
  it('accepts a ledger below the bill by whole-second rounding (up to a second of each price), never above it by a cent', () => {
    const priced = (id: string, cost: number) => session(id, { cost_so_far_micros: cost, price_per_hour_micros: 36_000_000 });
    // 10 000 µUSD a second: each session may be up to one second short.
    const rounded = judge(DEP, [priced('ses_1', 100_000), priced('ses_2', 100_000)], [instance('ses_1', { costMicroUsd: 109_000 }), instance('ses_2', { costMicroUsd: 109_000 })], noWorkload);
    expect(rounded.violations).toEqual([]);
    const over = judge(DEP, [priced('ses_1', 130_000)], [instance('ses_1', { costMicroUsd: 100_000 })], noWorkload);
    expect(over.violations).toHaveLength(1);
  });

  describe('deadlines: nothing enforced later than the takeover bound', () => {
    const judgedAt = new Date('2026-12-07T12:10:00.000Z');
    const facts = { judgedAt, boundMs: 15_000 };
    const at = (iso: string) => `2026-12-07T${iso}Z`;
    const timed = (id: string, over: Partial<SessionFacts>) => session(id, { expires_at: at('12:00:00.000'), hard_max_at: at('13:00:00.000'), ...over });

    it("passes a reservation end enforced within the bound (a new leader's first tick), and one the consumer beat", () => {
      const verdict = judgeDeadlines([timed('ses_1', { stop_reason: 'expired', stopped_at: at('12:00:14.000') }), timed('ses_2', { stopped_at: at('11:59:00.000') })], facts);
      expect(verdict).toEqual({ violations: [], dueDeadlines: 1, worstLatenessMs: 14_000 });
    });

    it('names a reservation end or hard maximum enforced late, whoever stopped it', () => {
      const verdict = judgeDeadlines(
        [
          timed('ses_late', { stop_reason: 'expired', stopped_at: at('12:00:16.500') }),
          timed('ses_hard', { expires_at: at('14:00:00.000'), hard_max_at: at('12:05:00.000'), stop_reason: 'done', stopped_at: at('12:06:00.000') }),
        ],
        facts,
      );
      expect(verdict.violations).toEqual([
        'session ses_late: its reservation end fell due at 2026-12-07T12:00:00.000Z and was enforced 16.5 s late (bound 15 s)',
        'session ses_hard: its hard maximum fell due at 2026-12-07T12:05:00.000Z and was enforced 60.0 s late (bound 15 s)',
      ]);
    });

    it('names a session still live past its deadline and the bound, but not one whose deadline has just fallen due', () => {
      const verdict = judgeDeadlines(
        [timed('ses_live', { status: 'running', stopped_at: null }), timed('ses_recent', { status: 'running', stopped_at: null, expires_at: at('12:09:50.000') })],
        facts,
      );
      expect(verdict.violations).toEqual(['session ses_live: its reservation end fell due at 2026-12-07T12:00:00.000Z and it is still running 600.0 s later (bound 15 s)']);
      expect(verdict.dueDeadlines).toBe(2);
    });

    it('is part of the verdict when the soak gives the facts', () => {
      const late = timed('ses_1', { stopped_at: at('12:01:00.000') });
      expect(judge(DEP, [late], [instance('ses_1')], noWorkload).violations).toEqual([]);
      expect(judge(DEP, [late], [instance('ses_1')], noWorkload, facts).violations).toHaveLength(1);
    });
  });
});
