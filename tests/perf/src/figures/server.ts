import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import { UlidIdGenerator } from '@gpu-shopper/core';
import { startSimulator, type RunningSimulator } from '@gpu-shopper/simulator';
import { openStorage } from '@gpu-shopper/storage';

import { closedLoop, rawGet } from '../support/load.js';
import { ADMIN_TOKEN, baseEnv, cpuMs, makeDataDir, runCli, runProcess, startBareExpress, startServer, type BenchServer } from '../support/processes.js';
import { seedLiveSessions } from '../support/seed.js';
import { median, percentile, round, sleep, spread } from '../support/stats.js';
import { type FigureOutcome } from './measure.js';

/** Figure 7 wants 1,000 live sessions: these are seeded, figure 6 adds its 200 through the API. */
const SEEDED_SESSIONS = 800;
const CONCURRENT_CREATES = 200;
/** The simulator's instance boot time and key propagation delay: part of figure 6's floor. */
const BOOT_DELAY_MS = 1000;
const KEY_PROPAGATION_MS = 300;
/** A typical consumer query: one GPU model under a price cap, cheapest first. */
const TYPICAL_QUERY = '/api/v1/inventory?gpu=RTX4090&max_price=2&sort=price';
const AUTH = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/**
 * The built server process (simulate mode, attached to this process's simulator with a 10,000-offer
 * catalogue) shared by figures 1, 6, 7 and 8, with 800 live sessions seeded in its database before
 * it starts.
 */
export class ServerBench {
  private constructor(
    readonly sim: RunningSimulator,
    readonly server: BenchServer,
    readonly dataDir: string,
    readonly rssAtStartBytes: number,
  ) {}

  static async start(): Promise<ServerBench> {
    const sim = await startSimulator({ seed: 7, catalogSize: 10_000, bootDelayMs: BOOT_DELAY_MS, keyPropagationMs: KEY_PROPAGATION_MS });
    try {
      const dataDir = await makeDataDir();
      const storage = openStorage({ path: path.join(dataDir, 'gpu-shopper.db') });
      try {
        const ids = new UlidIdGenerator();
        const deploymentId = await storage.repositories.deployment.getOrCreate(ids.next('deployment'), new Date());
        await seedLiveSessions({ sim, repositories: storage.repositories, ids, deploymentId, count: SEEDED_SESSIONS });
      } finally {
        storage.close();
      }
      const server = await startServer({
        dataDir,
        env: {
          SIMULATOR_URL: sim.urls.control,
          // Every query of figure 1 must be a cache hit: the catalogue stays fresh for the whole run.
          INVENTORY_CACHE_TTL: '1h',
        },
      });
      return new ServerBench(sim, server, dataDir, await server.rssBytes());
    } catch (error) {
      await sim.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.sim.stop();
  }

  private async api(pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.server.url}${pathAndQuery}`, { ...init, headers: { ...AUTH, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });
  }

  private async json<T>(pathAndQuery: string, init: RequestInit = {}): Promise<T> {
    const res = await this.api(pathAndQuery, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${pathAndQuery} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  /** Every session (of one consumer), following the API's cursor pages. */
  async listSessions(consumer?: string): Promise<{ id: string; status: string }[]> {
    const out: { id: string; status: string }[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: '100', ...(consumer ? { consumer_id: consumer } : {}), ...(cursor ? { cursor } : {}) });
      const page: { sessions: { id: string; status: string }[]; next_cursor: string | null } = await this.json(`/api/v1/sessions?${query.toString()}`);
      out.push(...page.sessions);
      cursor = page.next_cursor;
    } while (cursor);
    return out;
  }

  /** Every cached offer (no filter, no limit). */
  async cachedOffers(): Promise<{ id: string; provider: string; gpu_count: number }[]> {
    const answer = await this.json<{ offers: { id: string; provider: string; gpu_count: number }[]; providers: { provider: string; state: string }[] }>('/api/v1/inventory');
    const bad = answer.providers.filter((p) => p.state !== 'ok');
    if (bad.length > 0) throw new Error(`providers not ok in the server's inventory: ${JSON.stringify(bad)}`);
    return answer.offers;
  }

  /**
   * Figure 1: requests per second of the server's cached inventory query vs a bare Express 5 route
   * answering the same bytes, same load generator, same machine, alternating rounds, once per
   * coding (none, gzip, br): the bare route serves the very bytes the server sent for that coding.
   * Headline: the lowest of the three median ratios.
   */
  async cachedQueryThroughput(): Promise<FigureOutcome> {
    const all = await this.cachedOffers();
    const codings = [
      { coding: 'identity', accept: 'identity', suffix: '' },
      { coding: 'gzip', accept: 'gzip', suffix: '.gz' },
      { coding: 'br', accept: 'gzip, deflate, br', suffix: '.br' },
    ] as const;
    const bodyFile = path.join(this.dataDir, 'typical-inventory.json');
    const wire: Record<string, { bytes: number; etag: string; contentEncoding: string | null }> = {};
    let identityBody: Buffer | null = null;
    for (const c of codings) {
      // Twice: the first answer may be built while the cache is cold; the second is what the load sees.
      await rawGet(`${this.server.url}${TYPICAL_QUERY}`, { ...AUTH, 'accept-encoding': c.accept });
      const res = await rawGet(`${this.server.url}${TYPICAL_QUERY}`, { ...AUTH, 'accept-encoding': c.accept });
      if (res.status !== 200) throw new Error(`the typical query answered ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`);
      const encoding = (res.headers['content-encoding']) ?? null;
      if ((encoding ?? 'identity') !== c.coding) throw new Error(`asked for ${c.coding}, the server answered ${encoding ?? 'identity'}`);
      wire[c.coding] = { bytes: res.body.length, etag: String(res.headers.etag ?? ''), contentEncoding: encoding };
      if (c.coding === 'identity') identityBody = res.body;
      await writeFile(`${bodyFile}${c.suffix}`, res.body);
    }
    if (!identityBody) throw new Error('no identity body');
    const identityEtag = wire.identity?.etag ?? '';
    const conditional = await rawGet(`${this.server.url}${TYPICAL_QUERY}`, { ...AUTH, 'accept-encoding': 'identity', 'if-none-match': identityEtag });
    if (conditional.status !== 304) throw new Error(`If-None-Match with the current ETag answered ${conditional.status}, not 304`);
    const bare = await startBareExpress(bodyFile);
    try {
      // Short alternating rounds: load from other processes on the machine hits both sides alike.
      const base = { concurrency: 16, durationMs: 1500 };
      const byCoding: Record<string, { rounds: { server: number; bare: number; ratio: number }[]; ratio: ReturnType<typeof spread>; serverRps: ReturnType<typeof spread>; bareRps: ReturnType<typeof spread>; cpuUsPerRequest: { server: number; bare: number }; wireBytes: number }> = {};
      for (const c of codings) {
        const load = { ...base, headers: { ...AUTH, 'accept-encoding': c.accept }, expectBytes: wire[c.coding]?.bytes ?? -1 };
        // Warm both (JIT, connections) before anything is counted.
        await closedLoop(`${this.server.url}${TYPICAL_QUERY}`, { ...load, durationMs: 700 });
        await closedLoop(`${bare.url}${TYPICAL_QUERY}`, { ...load, durationMs: 700 });
        const rounds: { server: number; bare: number; ratio: number; serverCpuUs: number; bareCpuUs: number }[] = [];
        for (let i = 0; i < 5; i++) {
          const serverCpu = cpuMs(this.server.pid);
          const server = await closedLoop(`${this.server.url}${TYPICAL_QUERY}`, load);
          const bareCpu = cpuMs(bare.pid);
          const baseline = await closedLoop(`${bare.url}${TYPICAL_QUERY}`, load);
          if (server.errors + baseline.errors > 0) throw new Error(`${server.errors + baseline.errors} ${c.coding} requests failed or returned other bytes during the load`);
          rounds.push({
            server: round(server.perSecond, 1),
            bare: round(baseline.perSecond, 1),
            ratio: round(server.perSecond / baseline.perSecond),
            // The server's includes its background work (lifecycle ticks over the seeded sessions).
            serverCpuUs: round(((cpuMs(this.server.pid) - serverCpu) * 1000) / server.requests, 0),
            bareCpuUs: round(((cpuMs(bare.pid) - bareCpu) * 1000) / baseline.requests, 0),
          });
        }
        byCoding[c.coding] = {
          rounds,
          ratio: spread(rounds.map((r) => r.ratio)),
          serverRps: spread(rounds.map((r) => r.server), 1),
          bareRps: spread(rounds.map((r) => r.bare), 1),
          cpuUsPerRequest: { server: median(rounds.map((r) => r.serverCpuUs)), bare: median(rounds.map((r) => r.bareCpuUs)) },
          wireBytes: wire[c.coding]?.bytes ?? 0,
        };
      }
      // Revalidation: a client holding the body asks with If-None-Match and gets 304, no body.
      const notModified = await closedLoop(`${this.server.url}${TYPICAL_QUERY}`, { ...base, headers: { ...AUTH, 'accept-encoding': 'identity', 'if-none-match': identityEtag }, expectStatus: 304, expectBytes: 0 });
      const ratio = Math.min(...Object.values(byCoding).map((c) => c.ratio.median));
      const matched = (JSON.parse(identityBody.toString('utf8')) as { count: number }).count;
      const notes = [
        ...Object.entries(byCoding).map(
          ([coding, c]) =>
            `${coding}: ${c.wireBytes} bytes on the wire; ${c.serverRps.median} req/s (server) vs ${c.bareRps.median} req/s (bare Express, same bytes): ${c.ratio.median} (rounds ${c.ratio.min}–${c.ratio.max}); CPU per request ${c.cpuUsPerRequest.server} µs (server) vs ${c.cpuUsPerRequest.bare} µs (bare)`,
        ),
        `If-None-Match with the current ETag: 304 with no body, ${round(notModified.perSecond, 0)} req/s`,
        `the server's cache holds ${all.length} offers, not 10,000: the simulator's catalogue is 10,000 listings but the Vast adapter asks for at most 2,000 bundles (maxOffers) and keeps reliability ≥ 0.95 on-demand ones`,
      ];
      return {
        value: ratio,
        goalMet: ratio >= 0.8,
        spread: Object.values(byCoding).find((c) => c.ratio.median === ratio)?.ratio,
        details: { query: TYPICAL_QUERY, cachedOffers: all.length, matchedOffers: matched, concurrency: base.concurrency, roundSeconds: base.durationMs / 1000, wire, byCoding, notModifiedRps: round(notModified.perSecond, 1) },
        notes,
      };
    } finally {
      await bare.stop();
    }
  }

  /**
   * Figure 6: 200 session creations sent at once (100 Vast, 100 TensorDock offers); every answer
   * timed, then the time until every session is `running`, against the floor the vendors' limits
   * set: per vendor, the calls that cannot be shared (creates, key attachments: counted in the
   * simulator's request journal) beyond the token bucket's burst at the documented rate, plus the
   * instance boot time and one readiness round. Duplicates are checked in the simulator's ground truth.
   *
   * The creations start once the server's startup reconciliation pass is over (a pass lists every
   * instance on the accounts, 40 Vast pages for the 800 seeded sessions, on the same rate budget:
   * figure 1 runs long enough for it in a full run, `--only 6` would otherwise race it). Each
   * session's instant of `running` is the one its event log recorded, not the client's next poll.
   */
  async concurrentCreations(): Promise<FigureOutcome> {
    const consumer = 'bench-load';
    const reconciled = await this.startupReconciliation();
    await this.json('/api/v1/consumers', { method: 'POST', body: JSON.stringify({ id: consumer, name: 'Benchmark load' }) });
    const offers = await this.cachedOffers();
    const byProvider = ['vastai', 'tensordock'].map((p) => offers.filter((o) => o.provider === p && o.gpu_count === 1));
    const chosen: { offerId: string; provider: string }[] = [];
    for (let i = 0; chosen.length < CONCURRENT_CREATES; i++) {
      const offer = byProvider[i % 2]?.[Math.floor(i / 2)];
      if (!offer) throw new Error(`only ${chosen.length} single-GPU Vast/TensorDock offers in the cache, ${CONCURRENT_CREATES} needed`);
      chosen.push({ offerId: offer.id, provider: offer.provider });
    }
    const journalStart = new Date();
    const t0 = performance.now();
    const t0Wall = Date.now();
    const answers = await Promise.all(
      chosen.map(async ({ offerId }) => {
        const start = performance.now();
        try {
          const res = await this.api('/api/v1/sessions', { method: 'POST', body: JSON.stringify({ consumer_id: consumer, offer_id: offerId, reservation_hours: 1 }) });
          const text = await res.text();
          const ms = performance.now() - start;
          const sessionId = res.ok ? ((JSON.parse(text) as { session?: { id?: string } }).session?.id ?? null) : null;
          return { status: res.status, ms, sessionId, error: res.ok ? null : text.slice(0, 200) };
        } catch (error) {
          return { status: 0, ms: performance.now() - start, sessionId: null, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const latencies = answers.map((a) => a.ms);
    const created = answers.filter((a) => a.sessionId !== null);
    const answered = answers.filter((a) => a.status !== 0).length;

    // Until no session is still coming up (polled each second); then each session's instant of
    // `running` from its event log (the server's clock, the same machine's as t0Wall).
    let statuses: Record<string, number>;
    let sessions: { id: string; status: string }[];
    const giveUpMs = 240_000;
    for (;;) {
      sessions = await this.listSessions(consumer);
      statuses = {};
      for (const s of sessions) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
      const unsettled = sessions.filter((s) => s.status === 'pending' || s.status === 'provisioning').length;
      if (unsettled === 0 || performance.now() - t0 > giveUpMs) break;
      await sleep(1000);
    }
    const runningAt = new Map<string, number>();
    const running = sessions.filter((s) => s.status === 'running');
    for (let i = 0; i < running.length; i += 20) {
      await Promise.all(
        running.slice(i, i + 20).map(async (s) => {
          const { events } = await this.json<{ events: { to_status: string | null; occurred_at: string }[] }>(`/api/v1/sessions/${s.id}/events`);
          const event = events.find((e) => e.to_status === 'running');
          if (event) runningAt.set(s.id, Date.parse(event.occurred_at) - t0Wall);
        }),
      );
    }
    const allRunningMs = runningAt.size === created.length ? Math.max(...runningAt.values()) : null;
    const runningByVendor: Record<string, ReturnType<typeof spread>> = {};
    for (const vendor of ['vastai', 'tensordock']) {
      const mine = answers.flatMap((a, i) => (chosen[i]?.provider === vendor && a.sessionId !== null ? [runningAt.get(a.sessionId)] : [])).filter((t) => t !== undefined);
      if (mine.length > 0) runningByVendor[vendor] = spread(mine, 0);
    }

    // The floor: calls no coalescing can share, per vendor, at its documented rate after its burst.
    const journal = (await this.sim.control.requests()).filter((r) => new Date(r.at) >= journalStart);
    const truncated = journal.length >= 5000;
    const LIMITS: Record<string, { perSecond: number; burst: number; source: string }> = {
      vastai: { perSecond: 4, burst: 2, source: 'Vast answers 429 above ~4.5 requests/s (no documented figure; the adapter paces at 4/s)' },
      tensordock: { perSecond: 100 / 60, burst: 10, source: 'TensorDock v2: 100 requests per minute per organisation' },
    };
    const perVendor: Record<string, { calls: Record<string, number>; unshareable: number; floorMs: number; lastUnshareableAtMs: number | null }> = {};
    for (const vendor of Object.keys(LIMITS)) {
      const calls: Record<string, number> = {};
      let lastUnshareableAtMs: number | null = null;
      for (const r of journal.filter((j) => j.vendor === vendor)) {
        calls[r.operation ?? 'other'] = (calls[r.operation ?? 'other'] ?? 0) + 1;
        if (r.operation === 'createInstance' || r.operation === 'attachSshKey') lastUnshareableAtMs = Math.max(lastUnshareableAtMs ?? 0, Date.parse(r.at) - t0Wall);
      }
      const unshareable = (calls.createInstance ?? 0) + (calls.attachSshKey ?? 0);
      const limit = LIMITS[vendor] ?? { perSecond: 1, burst: 1 };
      // When the last of them reached the vendor (from the first request): how close the pacing came to the floor's.
      perVendor[vendor] = { calls, unshareable, floorMs: round((Math.max(0, unshareable - limit.burst) / limit.perSecond) * 1000, 0), lastUnshareableAtMs };
    }
    const bootMs = BOOT_DELAY_MS + KEY_PROPAGATION_MS;
    const readinessMs = 300;
    const floorMs = Math.max(...Object.values(perVendor).map((v) => v.floorMs)) + bootMs + readinessMs;
    const ratio = allRunningMs === null ? null : round(allRunningMs / floorMs, 2);

    const ids = new Set(created.map((a) => a.sessionId ?? ''));
    const perSession = new Map<string, number>();
    for (const instance of await this.sim.control.instances()) {
      const sessionId = /-(ses_[0-9A-Za-z]+)$/.exec(instance.label)?.[1];
      if (sessionId && ids.has(sessionId)) perSession.set(sessionId, (perSession.get(sessionId) ?? 0) + 1);
    }
    const duplicates = [...perSession.values()].filter((n) => n > 1).length;
    const p95 = round(percentile(latencies, 95), 1);
    const allAnswered = answered === CONCURRENT_CREATES && created.length === CONCURRENT_CREATES;
    const times = [...runningAt.values()];
    if (ratio === null) throw new Error(`${runningAt.size} of ${created.length} sessions were running after ${giveUpMs / 1000} s: ${JSON.stringify(statuses)}`);
    return {
      value: ratio,
      goalMet: allAnswered && duplicates === 0 && ratio <= 1.2,
      spread: times.length > 0 ? spread(times.map((t) => t / floorMs), 2) : undefined,
      details: {
        requests: CONCURRENT_CREATES,
        answered,
        created: created.length,
        refusals: answers.filter((a) => a.sessionId === null).map((a) => `${a.status}: ${a.error ?? ''}`).slice(0, 10),
        answerLatencyMs: { ...spread(latencies, 1), p95 },
        timeToRunningMs: times.length > 0 ? spread(times, 0) : null,
        timeToRunningMsByVendor: runningByVendor,
        allRunningMs: round(allRunningMs ?? 0, 0),
        floor: { floorMs: round(floorMs, 0), bootMs, readinessMs, perVendor, limits: LIMITS, journalTruncated: truncated },
        sessionsWithAnInstance: perSession.size,
        sessionsWithDuplicateInstances: duplicates,
        statusesAfterSettling: statuses,
        startupReconciliation: reconciled,
      },
      notes: [
        `${answered}/${CONCURRENT_CREATES} answered (p95 ${p95} ms), ${created.length} created, ${duplicates} sessions with duplicate instances; all running after ${round((allRunningMs ?? 0) / 1000, 1)} s`,
        `floor ${round(floorMs / 1000, 1)} s: ${Object.entries(perVendor).map(([v, c]) => `${v} ${c.unshareable} unshareable calls → ${round(c.floorMs / 1000, 1)} s (the last sent at ${round((c.lastUnshareableAtMs ?? 0) / 1000, 1)} s)`).join(', ')}, + ${bootMs} ms boot + ${readinessMs} ms readiness; ratio ${ratio}`,
        `vendor calls during the run: ${Object.entries(perVendor).map(([v, c]) => `${v} ${JSON.stringify(c.calls)}`).join('; ')}${truncated ? ' (journal truncated at 5,000 entries)' : ''}`,
      ],
    };
  }

  /**
   * Waits until the server's first reconciliation pass (started with the server) is over, so its
   * listings do not share the vendors' budget with the creations; says when it ended and how long
   * the figure waited for it.
   */
  private async startupReconciliation(): Promise<{ lastPassAt: string; waitedMs: number }> {
    const start = performance.now();
    for (;;) {
      const report = await this.json<{ last_pass_at: string | null }>('/api/v1/reconciliation');
      if (report.last_pass_at !== null) return { lastPassAt: report.last_pass_at, waitedMs: round(performance.now() - start, 0) };
      if (performance.now() - start > 120_000) throw new Error('the server\'s startup reconciliation pass did not end within 120 s');
      await sleep(250);
    }
  }

  /** Figure 7: the server's RSS now (after figures 1 and 6), with what it holds. */
  async memory(): Promise<FigureOutcome> {
    const sessions = await this.listSessions();
    const liveCount = sessions.filter((s) => !['terminated', 'failed'].includes(s.status)).length;
    const offers = (await this.cachedOffers()).length;
    const rss = await this.server.rssBytes();
    const mb = (bytes: number): number => round(bytes / 1024 / 1024, 1);
    return {
      value: mb(rss),
      goalMet: null,
      details: { rssMb: mb(rss), rssAtStartMb: mb(this.rssAtStartBytes), liveSessionsListed: liveCount, sessionsListed: sessions.length, cachedOffers: offers },
      notes: [`${mb(rss)} MB RSS with ${offers} cached offers and ${liveCount} live sessions (${mb(this.rssAtStartBytes)} MB right after start)`],
    };
  }

  /**
   * Figure 8: CLI wall time, fresh `node` each time, interleaved with its baseline so load on the
   * machine hits both alike: `--version` against `node -e 0`, `inventory -o json` against a bare
   * Node `fetch` of the same URL printing the body. Headline: the worse of the two ratios.
   */
  async cliWallTime(): Promise<FigureOutcome> {
    // Fifteen: one process start is tens of milliseconds, and a loaded machine stretches some of them.
    const runs = 15;
    const inventoryArgs = ['inventory', '-o', 'json', '--server', this.server.url];
    const query = new URLSearchParams({ sort: 'price' });
    const fetchScript = `fetch(${JSON.stringify(`${this.server.url}/api/v1/inventory?${query.toString()}`)}, { headers: { authorization: 'Bearer ' + process.env.GPU_SHOPPER_API_KEY } }).then((r) => r.text()).then((t) => process.stdout.write(t))`;
    const env = { GPU_SHOPPER_API_KEY: ADMIN_TOKEN, XDG_CACHE_HOME: path.join(this.dataDir, 'cli-cache') };
    const check = await runCli(inventoryArgs, env);
    if (check.exitCode !== 0) throw new Error(`\`gpu-shopper ${inventoryArgs.join(' ')}\` exited ${check.exitCode}: ${check.stderr.slice(0, 300)}`);
    const offers = (JSON.parse(check.stdout) as { offers: unknown[] }).offers.length;
    const version: number[] = [];
    const nodeOnly: number[] = [];
    const inventory: number[] = [];
    const bareFetch: number[] = [];
    for (let i = 0; i < runs; i++) {
      nodeOnly.push((await nodeRun(['-e', '0'])).wallMs);
      const v = await runCli(['--version']);
      if (v.exitCode !== 0) throw new Error(`\`gpu-shopper --version\` exited ${v.exitCode}: ${v.stderr.slice(0, 300)}`);
      version.push(v.wallMs);
      const f = await nodeRun(['-e', fetchScript], env);
      if (f.exitCode !== 0) throw new Error(`the bare fetch exited ${f.exitCode}`);
      bareFetch.push(f.wallMs);
      const inv = await runCli(inventoryArgs, env);
      if (inv.exitCode !== 0) throw new Error(`\`gpu-shopper ${inventoryArgs.join(' ')}\` exited ${inv.exitCode}: ${inv.stderr.slice(0, 300)}`);
      inventory.push(inv.wallMs);
    }
    const versionRatio = round(median(version) / median(nodeOnly), 2);
    const inventoryRatio = round(median(inventory) / median(bareFetch), 2);
    const value = Math.max(versionRatio, inventoryRatio);
    return {
      value,
      goalMet: versionRatio <= 1.5 && inventoryRatio <= 1.5,
      spread: value === versionRatio ? spread(version.map((t, i) => t / (nodeOnly[i] ?? t)), 2) : spread(inventory.map((t, i) => t / (bareFetch[i] ?? t)), 2),
      details: {
        runs,
        versionMs: spread(version, 1),
        nodeStartupMs: spread(nodeOnly, 1),
        inventoryJsonMs: { ...spread(inventory, 1), offers, bytes: check.stdout.length },
        bareFetchMs: spread(bareFetch, 1),
        versionOverNodeStartup: versionRatio,
        inventoryOverBareFetch: inventoryRatio,
      },
      notes: [
        `--version ${round(median(version), 1)} ms vs node -e 0 ${round(median(nodeOnly), 1)} ms: ${versionRatio}`,
        `inventory -o json ${round(median(inventory), 1)} ms (${offers} offers) vs a bare Node fetch printing the body ${round(median(bareFetch), 1)} ms: ${inventoryRatio}`,
      ],
    };
  }
}

async function nodeRun(args: readonly string[], env: Record<string, string> = {}): Promise<{ exitCode: number | null; wallMs: number }> {
  // Spawned and read exactly as runCli spawns and reads the CLI (three pipes, stdout decoded and
  // kept): what the parent does with the output is part of both sides' wall time, not one's.
  const { code, wallMs } = await runProcess(process.execPath, args, { env: { ...baseEnv(), ...env } });
  return { exitCode: code, wallMs };
}
