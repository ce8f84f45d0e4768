import fc from 'fast-check';

import { type GpuShopper, type Session } from '@gpu-shopper/client';

import { waitFor } from '../support/simulator-control.js';
import { apiCode, type ModelWorld } from './model-world.js';

/**
 * A model-based test of the safety and isolation promises: fast-check draws random sequences of
 * what consumers and the admin do — create (on-demand, or spot with a maximum bid that ends or
 * reprovisions when outbid), extend, done, delete, idempotent retries (also with someone else's
 * key), acting on other consumers' sessions, budget changes, other tenants outbidding spot instances,
 * cleanup-orphans with each kind of credential — runs them against the real server and vendor
 * simulator, and checks after every step that:
 *   1. no consumer's worst-case commitment exceeds its budget (beyond what it had committed when
 *      the budget was lowered) — a spot session counted at its maximum bid plus storage, so no
 *      reprovision after a preemption may take a consumer past its budget;
 *   2. an action with one consumer's credential never changes another consumer's session;
 *   3. nothing of another deployment is destroyed;
 *   4. every live instance has a live session, no running session lost its instance, and no session
 *      ever holds two instances at once.
 * A failure prints the seed and the shrunk sequence of steps.
 */

export const CONSUMERS = ['alice', 'bob', 'carol'] as const;
export type ConsumerName = (typeof CONSUMERS)[number];
type Actor = ConsumerName | 'admin';

interface ModelSession {
  readonly id: string;
  readonly owner: ConsumerName;
  readonly spot?: boolean;
}

interface IdempotentCreate {
  readonly key: string;
  readonly owner: ConsumerName;
  readonly body: { consumer_id: string; gpu: string; reservation_hours: number };
  readonly sessionId: string;
}

/** What the test knows happened: who owns which session, which keys were used, the budgets. */
export interface Model {
  readonly sessions: ModelSession[];
  readonly creates: IdempotentCreate[];
  /** Per consumer: the budget limit (µUSD, null = none) and the commitment when it was last set. */
  readonly budgets: Map<ConsumerName, { limitMicros: number | null; floorMicros: number }>;
  steps: number;
  /** Spot instances outbid by the run (the simulator stopped them), and sessions running again elsewhere after it. */
  outbids: number;
  reprovisions: number;
}

/** The run's consumers on the shared server (ids unique per run, so runs do not see each other). */
export interface Real {
  readonly world: ModelWorld;
  readonly adminToken: string;
  readonly deploymentId: string;
  readonly ids: Record<ConsumerName, string>;
  readonly keys: Record<ConsumerName, string>;
  readonly clients: Record<Actor, GpuShopper>;
}

const STATUS_OK_FOR_OWNER = new Set(['BUDGET_EXCEEDED', 'SAFETY_LIMIT_EXCEEDED', 'INVALID_TRANSITION', 'OFFER_NOT_FOUND', 'NOT_FOUND', 'OFFER_UNAVAILABLE', 'RATE_LIMITED', 'IDEMPOTENCY_CONFLICT', 'CONCURRENT_UPDATE']);

function fail(message: string): never {
  throw new Error(`invariant violated: ${message}`);
}

/** A snapshot of what another consumer must not be able to change. */
function fingerprint(session: Session | undefined): string {
  return session ? JSON.stringify([session.status, session.expires_at, session.reservation_hours, session.stopped_at]) : 'missing';
}

const micros = (usd: number) => Math.round(usd * 1_000_000);

/**
 * The most a session may bill per hour: its price, or for a spot session its maximum bid plus its
 * storage (price − bid) — what any reprovision after a preemption may bid up to.
 */
export function worstRateMicros(s: Pick<Session, 'interruptible' | 'price_per_hour_micros' | 'bid' | 'max_bid'>): number {
  if (!s.interruptible || s.bid === null || s.max_bid === null) return s.price_per_hour_micros;
  return Math.max(s.price_per_hour_micros, micros(s.max_bid) + s.price_per_hour_micros - micros(s.bid));
}

/** Worst case of a consumer as the budget counts it: ended sessions at their cost, live ones at their worst rate × reserved hours. */
export function worstCaseMicros(sessions: readonly Session[]): number {
  return sessions.reduce((sum, s) => {
    const live = s.status === 'pending' || s.status === 'provisioning' || s.status === 'running' || s.status === 'stopped' || s.status === 'stopping';
    return sum + (live ? worstRateMicros(s) * s.reservation_hours : s.cost_so_far_micros);
  }, 0);
}

/**
 * A session's final cost reaches the ledger right after it is recorded as ended; a budget check in
 * that moment sees a few seconds less. Allowed: 10 s of each ended session's price (never hours).
 */
function accrualAllowance(sessions: readonly Session[]): number {
  return sessions.filter((s) => s.stopped_at !== null).reduce((sum, s) => sum + Math.ceil((s.price_per_hour_micros * 10) / 3600), 0);
}

async function checkInvariants(model: Model, real: Real): Promise<void> {
  model.steps++;
  for (const name of CONSUMERS) {
    const budget = model.budgets.get(name);
    if (!budget || budget.limitMicros === null) continue;
    const sessions = await real.world.sessionsOf(real.ids[name]);
    const worst = worstCaseMicros(sessions);
    const ceiling = Math.max(budget.limitMicros, budget.floorMicros) + accrualAllowance(sessions);
    if (worst > ceiling) fail(`${name}'s worst case $${(worst / 1e6).toFixed(4)} exceeds its budget $${(budget.limitMicros / 1e6).toFixed(2)} (floor $${(budget.floorMicros / 1e6).toFixed(4)})`);
  }
  const problems = await real.world.checkGroundTruth(real.deploymentId);
  if (problems.length > 0) fail(problems.join('; '));
}

type Command = fc.AsyncCommand<Model, Real>;

/** A consumer rents a GPU for itself, with or without an Idempotency-Key. */
class Create implements Command {
  constructor(
    readonly actor: ConsumerName,
    readonly gpuIndex: number,
    readonly hours: number,
    readonly keyed: boolean,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const gpu = real.world.gpus[this.gpuIndex % real.world.gpus.length] ?? 'RTX 4090';
    const body = { consumer_id: real.ids[this.actor], gpu, reservation_hours: this.hours };
    const key = this.keyed ? `k-${real.ids[this.actor]}-${model.steps}` : undefined;
    try {
      const created = await real.clients[this.actor].sessions.create(body, key ? { idempotencyKey: key } : undefined);
      if (created.session.consumer_id !== real.ids[this.actor]) fail(`${this.actor} created a session for ${created.session.consumer_id}`);
      model.sessions.push({ id: created.session.id, owner: this.actor });
      if (key) model.creates.push({ key, owner: this.actor, body, sessionId: created.session.id });
    } catch (error) {
      const code = apiCode(error);
      if (!STATUS_OK_FOR_OWNER.has(code)) fail(`${this.actor}'s create answered ${code}`);
    }
    await checkInvariants(model, real);
  }
  toString = () => `Create(${this.actor}, gpu#${this.gpuIndex}, ${this.hours} h${this.keyed ? ', keyed' : ''})`;
}

/**
 * A consumer rents a GPU interruptibly: the cheapest spot offer of the GPU whose minimum bid is
 * within its maximum bid (a multiple of the typical minimum bid), ending or reprovisioning when outbid.
 */
class CreateSpot implements Command {
  constructor(
    readonly actor: ConsumerName,
    readonly gpuIndex: number,
    readonly hours: number,
    /** The maximum bid in tenths of the typical minimum bid (11 = 1.1 ×). */
    readonly bidTenths: number,
    readonly onPreempt: 'end' | 'reprovision',
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const gpu = real.world.spotGpus[this.gpuIndex % Math.max(1, real.world.spotGpus.length)] ?? 'RTX 4090';
    const maxBid = Math.max(0.001, Math.round(real.world.typicalMinBidUsd * this.bidTenths * 100) / 1000);
    const body = { consumer_id: real.ids[this.actor], gpu, reservation_hours: this.hours, pricing: 'spot' as const, max_bid: maxBid, on_preempt: this.onPreempt };
    try {
      const created = await real.clients[this.actor].sessions.create(body);
      if (created.session.consumer_id !== real.ids[this.actor]) fail(`${this.actor} created a spot session for ${created.session.consumer_id}`);
      if (!created.session.interruptible || created.session.max_bid === null || micros(created.session.max_bid) > micros(maxBid)) {
        fail(`${this.actor}'s spot session ${created.session.id} is not bid within its maximum (${JSON.stringify([created.session.interruptible, created.session.bid, created.session.max_bid])})`);
      }
      model.sessions.push({ id: created.session.id, owner: this.actor, spot: true });
    } catch (error) {
      const code = apiCode(error);
      if (!STATUS_OK_FOR_OWNER.has(code)) fail(`${this.actor}'s spot create answered ${code}`);
    }
    await checkInvariants(model, real);
  }
  toString = () => `CreateSpot(${this.actor}, gpu#${this.gpuIndex}, ${this.hours} h, max bid ${this.bidTenths / 10}×, ${this.onPreempt})`;
}

/**
 * Another tenant outbids one of the run's spot instances: the simulator stops it as Vast does. The
 * server then ends the session or moves it to a comparable offer within its maximum bid and budget;
 * the invariants are checked while that happens, step after step.
 */
class Outbid implements Command {
  constructor(readonly index: number) {}
  check = (model: Readonly<Model>) => model.sessions.some((s) => s.spot);
  async run(model: Model, real: Real): Promise<void> {
    const spot = model.sessions.filter((s) => s.spot);
    const target = spot[this.index % spot.length];
    if (!target) return;
    // Only a running instance can be outbid: wait for the session to run (or to have ended, then nothing to outbid).
    const session = await waitFor(`spot session ${target.id} running or ended`, async () => {
      const now = await real.world.admin.sessions.retrieve(target.id);
      return now.status === 'running' || now.status === 'terminated' || now.status === 'failed' || now.status === 'stopping' ? now : undefined;
    }, 60_000);
    if (session.status === 'running' && session.stopped_at === null && session.provider_instance_id && (await real.world.outbid(session.provider_instance_id))) {
      model.outbids++;
      // The server records it within a reconciliation pass: wait for that, so the next steps act on
      // (and check) a session being ended or reprovisioned.
      await waitFor(`the preemption of ${target.id} recorded`, async () => {
        const now = await real.world.admin.sessions.retrieve(target.id);
        return now.preemptions > session.preemptions || now.status === 'terminated' || now.status === 'failed';
      }, 20_000);
      await checkInvariants(model, real);
      // Then its policy's outcome: running again on another instance (reprovision), or ended.
      const outcome = await waitFor(`the outcome of ${target.id}'s preemption`, async () => {
        const now = await real.world.admin.sessions.retrieve(target.id);
        const movedOn = now.status === 'running' && now.stopped_at === null && now.provider_instance_id !== session.provider_instance_id;
        return movedOn || now.status === 'terminated' || now.status === 'failed' ? now : undefined;
      }, 90_000);
      if (outcome.status === 'running') model.reprovisions++;
    }
    await checkInvariants(model, real);
  }
  toString = () => `Outbid(spot #${this.index})`;
}

/** A consumer tries to rent on another consumer's account: refused, nothing created. */
class CreateForOther implements Command {
  constructor(
    readonly actor: ConsumerName,
    readonly victim: ConsumerName,
  ) {}
  check = () => this.actor !== this.victim;
  async run(model: Model, real: Real): Promise<void> {
    const before = (await real.world.sessionsOf(real.ids[this.victim])).length;
    try {
      await real.clients[this.actor].sessions.create({ consumer_id: real.ids[this.victim], gpu: real.world.gpus[0] ?? 'RTX 4090', reservation_hours: 1 });
      fail(`${this.actor} created a session on ${this.victim}'s account`);
    } catch (error) {
      if (apiCode(error) !== 'FORBIDDEN') fail(`${this.actor} creating for ${this.victim} answered ${apiCode(error)}, not FORBIDDEN`);
    }
    if ((await real.world.sessionsOf(real.ids[this.victim])).length !== before) fail(`${this.actor}'s refused create changed ${this.victim}'s sessions`);
    await checkInvariants(model, real);
  }
  toString = () => `CreateForOther(${this.actor} → ${this.victim})`;
}

/** The same Idempotency-Key again: by its owner (the same session), or by another consumer (never the owner's). */
class Retry implements Command {
  constructor(
    readonly index: number,
    readonly actor: ConsumerName,
  ) {}
  check = (model: Readonly<Model>) => model.creates.length > 0;
  async run(model: Model, real: Real): Promise<void> {
    const original = model.creates[this.index % model.creates.length];
    if (!original) return;
    // Keys belong to whoever used them: the actor's own earlier use of this key is what it replays.
    const own = model.creates.find((c) => c.key === original.key && c.owner === this.actor);
    const body = own ? own.body : { ...original.body, consumer_id: real.ids[this.actor] };
    try {
      const again = await real.clients[this.actor].sessions.create(body, { idempotencyKey: original.key });
      if (own) {
        if (!again.replayed || again.session.id !== own.sessionId) fail(`${this.actor}'s retry of ${original.key} made a new session ${again.session.id}`);
      } else {
        const others = model.creates.filter((c) => c.key === original.key).map((c) => c.sessionId);
        if (again.replayed || others.includes(again.session.id)) fail(`${this.actor} got another consumer's session by reusing its Idempotency-Key ${original.key}`);
        model.sessions.push({ id: again.session.id, owner: this.actor });
        model.creates.push({ key: original.key, owner: this.actor, body, sessionId: again.session.id });
      }
    } catch (error) {
      const code = apiCode(error);
      if (!STATUS_OK_FOR_OWNER.has(code)) fail(`retry of ${original.key} by ${this.actor} answered ${code}`);
    }
    await checkInvariants(model, real);
  }
  toString = () => `Retry(#${this.index} by ${this.actor})`;
}

/** Extend, done or delete — on the actor's own session, or on someone else's (which must change nothing). */
class Act implements Command {
  constructor(
    readonly actor: Actor,
    readonly action: 'extend' | 'done' | 'delete',
    readonly index: number,
    readonly hours: number,
  ) {}
  check = (model: Readonly<Model>) => model.sessions.length > 0;
  async run(model: Model, real: Real): Promise<void> {
    const target = model.sessions[this.index % model.sessions.length];
    if (!target) return;
    const mine = this.actor === 'admin' || this.actor === target.owner;
    const before = await real.world.admin.sessions.retrieve(target.id);
    const client = real.clients[this.actor];
    try {
      if (this.action === 'extend') await client.sessions.extend(target.id, { hours: this.hours });
      else if (this.action === 'done') await client.sessions.done(target.id);
      else await client.sessions.delete(target.id);
      if (!mine) fail(`${this.actor} could ${this.action} ${target.owner}'s session ${target.id}`);
    } catch (error) {
      const code = apiCode(error);
      if (mine && !STATUS_OK_FOR_OWNER.has(code)) fail(`${this.actor}'s ${this.action} of its session answered ${code}`);
      if (!mine && code !== 'SESSION_NOT_FOUND') fail(`${this.actor}'s ${this.action} of ${target.owner}'s session answered ${code}, not SESSION_NOT_FOUND`);
    }
    if (!mine) {
      // The session moves on by itself (provisioning → running, or a failed provisioning ends it),
      // but only its owner or the admin extends it or ends it as done/deleted.
      const after = await real.world.admin.sessions.retrieve(target.id);
      const stoppedByRequest = (s: Session) => s.stop_reason === 'done' || s.stop_reason === 'deleted';
      if (after.expires_at !== before.expires_at || after.reservation_hours !== before.reservation_hours || (stoppedByRequest(after) && !stoppedByRequest(before))) {
        fail(`${this.actor}'s refused ${this.action} changed ${target.owner}'s session (${fingerprint(before)} → ${fingerprint(after)})`);
      }
    }
    await checkInvariants(model, real);
  }
  toString = () => `${this.action}(${this.actor} on #${this.index}${this.action === 'extend' ? `, ${this.hours} h` : ''})`;
}

/** The admin sets (or changes) a consumer's monthly budget. */
class SetBudget implements Command {
  constructor(
    readonly consumer: ConsumerName,
    /** In hours of a typical offer, so budgets bite whatever the simulated prices are. */
    readonly typicalHours: number,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const usd = budgetUsd(real, this.typicalHours);
    await real.world.admin.consumers.setBudget(real.ids[this.consumer], { monthly_limit: usd });
    const committed = worstCaseMicros(await real.world.sessionsOf(real.ids[this.consumer]));
    model.budgets.set(this.consumer, { limitMicros: Math.round(usd * 1_000_000), floorMicros: committed });
    await checkInvariants(model, real);
  }
  toString = () => `SetBudget(${this.consumer}, ${this.typicalHours} typical hours)`;
}

/** A budget worth `hours` of the world's typical offer, in whole cents. */
function budgetUsd(real: Pick<Real, 'world'>, hours: number): number {
  return Math.max(0.01, Math.round(real.world.typicalPriceUsd * hours * 100) / 100);
}

/** `gpu-shopper cleanup-orphans --execute --force` with the admin token, a consumer key, or no server. */
class CleanupOrphans implements Command {
  constructor(readonly credential: 'admin' | ConsumerName | 'none') {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const key = this.credential === 'none' ? null : this.credential === 'admin' ? real.adminToken : real.keys[this.credential];
    const result = await real.world.cleanupOrphans(key);
    if (this.credential !== 'admin' && result.destroyed.length > 0) fail(`cleanup-orphans with ${this.credential === 'none' ? 'no server' : `${this.credential}'s key`} destroyed ${result.destroyed.join(', ')}`);
    if (result.code !== 0) fail(`cleanup-orphans exited ${String(result.code)}: ${result.stderr.slice(-400)}`);
    await checkInvariants(model, real);
  }
  toString = () => `CleanupOrphans(${this.credential})`;
}

const consumer = fc.constantFrom(...CONSUMERS);
const actor = fc.constantFrom<Actor>(...CONSUMERS, 'admin');

export const commandArbitraries = [
  fc.tuple(consumer, fc.nat(3), fc.integer({ min: 1, max: 4 }), fc.boolean()).map(([a, g, h, k]) => new Create(a, g, h, k)),
  fc.tuple(consumer, fc.nat(2), fc.integer({ min: 1, max: 4 }), fc.constantFrom(11, 15, 30), fc.constantFrom('end' as const, 'reprovision' as const)).map(([a, g, h, b, p]) => new CreateSpot(a, g, h, b, p)),
  fc.nat(20).map((i) => new Outbid(i)),
  fc.tuple(consumer, consumer).map(([a, v]) => new CreateForOther(a, v)),
  fc.tuple(fc.nat(20), consumer).map(([i, a]) => new Retry(i, a)),
  fc.tuple(actor, fc.constantFrom('extend' as const, 'done' as const, 'delete' as const), fc.nat(20), fc.integer({ min: 1, max: 4 })).map(([a, act, i, h]) => new Act(a, act, i, h)),
  fc.tuple(consumer, fc.constantFrom(1, 3, 6, 20)).map(([c, hours]) => new SetBudget(c, hours)),
  fc.constantFrom<'admin' | ConsumerName | 'none'>('admin', 'alice', 'bob', 'none').map((c) => new CleanupOrphans(c)),
];

export interface ModelRunOptions {
  readonly runs: number;
  readonly maxSteps: number;
  readonly seed: number;
}

export interface ModelRunReport {
  readonly runs: number;
  readonly steps: number;
  readonly seed: number;
  /** Spot sessions created, instances outbid, and preemptions the server recorded (each ended or reprovisioned). */
  readonly spotSessions: number;
  readonly outbids: number;
  readonly preemptions: number;
  /** Spot sessions that ran again on another instance after a preemption. */
  readonly reprovisioned: number;
}

/** Runs `runs` random sequences against `world`; throws (with seed and shrunk steps) on a violation. */
export async function runSecurityModel(world: ModelWorld, adminToken: string, options: ModelRunOptions): Promise<ModelRunReport> {
  const deploymentId = (await world.admin.health()).deployment_id;
  let run = 0;
  let steps = 0;
  const spot = { spotSessions: 0, outbids: 0, preemptions: 0, reprovisioned: 0 };
  await fc.assert(
    fc.asyncProperty(fc.commands(commandArbitraries, { maxCommands: options.maxSteps, size: 'max' }), async (commands) => {
      run++;
      const ids = Object.fromEntries(CONSUMERS.map((name) => [name, `${name}-r${run}-${Date.now().toString(36)}`])) as Record<ConsumerName, string>;
      const keys = {} as Record<ConsumerName, string>;
      for (const name of CONSUMERS) keys[name] = (await world.admin.consumers.create({ id: ids[name] })).api_key;
      const clients = { admin: world.client(adminToken), ...Object.fromEntries(CONSUMERS.map((name) => [name, world.client(keys[name])])) } as Record<Actor, GpuShopper>;
      const real: Real = { world, adminToken, deploymentId, ids, keys, clients };
      const model: Model = { sessions: [], creates: [], budgets: new Map(), steps: 0, outbids: 0, reprovisions: 0 };
      // Alice starts with a tight budget (4 typical hours), bob with a roomy one (15), carol with none.
      for (const [name, hours] of [['alice', 4], ['bob', 15]] as const) {
        const usd = budgetUsd({ world }, hours);
        await world.admin.consumers.setBudget(ids[name], { monthly_limit: usd });
        model.budgets.set(name, { limitMicros: Math.round(usd * 1_000_000), floorMicros: 0 });
      }
      try {
        await fc.asyncModelRun(() => ({ model, real }), commands);
      } finally {
        steps += model.steps;
        spot.outbids += model.outbids;
        spot.reprovisioned += model.reprovisions;
        for (const { id } of model.sessions.filter((s) => s.spot)) {
          spot.spotSessions++;
          spot.preemptions += (await world.admin.sessions.retrieve(id).catch(() => undefined))?.preemptions ?? 0;
        }
        // Leave nothing running for the next sequence (its offers and nodes stay free).
        for (const session of model.sessions) await world.admin.sessions.delete(session.id).catch(() => undefined);
      }
    }),
    { numRuns: options.runs, seed: options.seed, endOnFailure: false, verbose: 1 },
  );
  return { runs: run, steps, seed: options.seed, ...spot };
}
