import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  createCoreServices,
  UlidIdGenerator,
  systemClock,
  type NodeReadinessProbe,
  type ProviderName,
  type ProviderTiming,
} from '@gpu-shopper/core';
import { createProviderAdapters } from '@gpu-shopper/providers';
import { Ed25519SessionKeyGenerator, NodeSshRemoteExec, SshNodeReadinessProbe } from '@gpu-shopper/ssh';
import { openStorage } from '@gpu-shopper/storage';

import { BenchSecretCipher } from '../support/aes-cipher.js';
import { startSimulatorProcess } from '../support/processes.js';
import { median, percentile, round, spread } from '../support/stats.js';
import { cpuMs, Stopwatch, timedProxy } from '../support/timed.js';
import { type FigureOutcome } from './measure.js';

const PROVISIONINGS = 16;
/**
 * Provisionings run first and not counted (three per vendor): a server provisions many sessions, and
 * the first ones pay for compiling the code and the validators and for V8 optimising what runs hot
 * (the first costs ~20–30 ms, the next few settle). Their CPU time is reported apart
 * (details.warmUpMs).
 */
const WARM_UP = 6;
/** The server's simulate-mode timing (apps/server/src/compose.ts): no initial SSH delay, 5 min timeout. */
const SIMULATED_TIMING: Record<ProviderName, ProviderTiming> = {
  vastai: { sshInitialDelayMs: 0, provisioningTimeoutMs: 5 * 60_000 },
  tensordock: { sshInitialDelayMs: 0, provisioningTimeoutMs: 5 * 60_000 },
  bluelobster: { sshInitialDelayMs: 0, provisioningTimeoutMs: 5 * 60_000 },
};

/**
 * Figure 4: the server's own work per provisioning. Core's ProvisioningService composed as the
 * server composes it (real adapters against the simulator, SQLite storage, ed25519 session keys,
 * AES-GCM, the SSH readiness probe, simulate-mode timing and 500 ms polls), run for sessions one
 * after another. Every provider call, every readiness probe (SSH) and every pause between polls is
 * timed in process CPU time and in wall time; overhead = the request-to-running CPU time − the CPU
 * time inside that waiting (the HTTP and SSH clients' work; the simulator runs in its own process). CPU time is the
 * headline because wall time on a shared machine includes the time spent waiting for a core; the
 * wall-time overhead is reported beside it.
 */
export async function provisioningOverhead(): Promise<FigureOutcome> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gpushop-bench-provision-'));
  // In its own process, as a vendor and its nodes are other machines: the process CPU time this
  // figure reads then holds no vendor work (HTTP answers, boot timers, the nodes' SSH servers),
  // which would otherwise run, and be counted, whenever it fell outside the timed waits.
  const sim = await startSimulatorProcess(['--seed', '4', '--catalog-size', '300', '--boot-delay-ms', '1000', '--key-propagation-ms', '300']);
  const storage = openStorage({ path: path.join(dir, 'gpu-shopper.db') });
  try {
    const ids = new UlidIdGenerator();
    const { repositories } = storage;
    const clock = systemClock;
    const deploymentId = await repositories.deployment.getOrCreate(ids.next('deployment'), clock.now());
    const providerWatch = new Stopwatch();
    const sshWatch = new Stopwatch();
    const sleepWatch = new Stopwatch();
    // The server's own work, split: storage reads/writes, the event log, key generation, encryption.
    const storageWatch = new Stopwatch();
    const eventWatch = new Stopwatch();
    const keysWatch = new Stopwatch();
    const cipherWatch = new Stopwatch();
    // Each storage method on its own watch too (the storage and event-log totals sum them).
    const perMethod = new Map<string, Stopwatch>();
    const methodWatch = (key: string): Stopwatch => {
      let watch = perMethod.get(key);
      if (!watch) perMethod.set(key, (watch = new Stopwatch()));
      return watch;
    };
    const timedRepositories = Object.fromEntries(
      Object.entries(repositories).map(([name, repo]) => [
        name,
        timedProxy(repo as object, storageWatch, (method) => [methodWatch(`${name}.${method}`), name === 'sessions' && method === 'appendEvent' ? eventWatch : storageWatch]),
      ]),
    ) as unknown as typeof repositories;
    const adapters = createProviderAdapters(
      {
        vastai: { apiKey: 'bench', baseUrl: sim.urls.vastai },
        tensordock: { authId: 'bench', apiToken: 'bench', baseUrl: sim.urls.tensordock },
        bluelobster: { apiKey: 'bench', baseUrl: sim.urls.bluelobster },
      },
      { simulated: true, clock },
    ).map((adapter) => timedProxy(adapter, providerWatch));
    const readiness: NodeReadinessProbe = timedProxy(new SshNodeReadinessProbe(new NodeSshRemoteExec()), sshWatch);
    // Wired as the server wires them (createCoreServices), with the server's simulate-mode settings.
    const { inventory, failures, provisioning } = createCoreServices(
      {
        repositories: timedRepositories,
        providers: adapters,
        clock,
        ids,
        keys: timedProxy(new Ed25519SessionKeyGenerator(), keysWatch),
        cipher: timedProxy(new BenchSecretCipher(), cipherWatch),
        readiness,
        sleep: (ms, signal) =>
          sleepWatch.time(
            () =>
              new Promise<void>((resolve, reject) => {
                const timer = setTimeout(resolve, ms);
                signal?.addEventListener('abort', () => {
                  clearTimeout(timer);
                  reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
                }, { once: true });
              }),
          ),
      },
      {
        deploymentId,
        hardMaxHours: 12,
        timing: SIMULATED_TIMING,
        orphanGraceMs: 15 * 60_000,
        inventory: { cacheTtlMs: 60_000, backoffTtlMs: 300_000 },
        pollIntervalMs: 500,
        destroy: { verifyDelayMs: 300, retryBaseDelayMs: 1000, retryMaxDelayMs: 10_000 },
      },
    );
    await failures.load();

    // Warm the catalogue first: the figure is about provisioning, not a cold inventory (figure 2).
    const warm = await inventory.query({ sort: 'price' });
    // Vast and TensorDock alternate; Blue Lobster's node holds its dpkg lock for seconds on purpose
    // (the dist-upgrade window), pure waiting that would only lengthen the run.
    const candidates = ['vastai', 'tensordock'].map((p) => warm.offers.filter((o) => o.provider === p && o.gpuCount === 1));
    const runs: {
      provider: string;
      totalMs: number;
      providerMs: number;
      sshMs: number;
      sleepMs: number;
      /** CPU time outside provider calls, SSH probes and poll pauses (the headline). */
      overheadMs: number;
      /** Wall time outside them. */
      wallOverheadMs: number;
      storageMs: number;
      storageCalls: number;
      eventLogMs: number;
      eventLogAppends: number;
      keyGenerationMs: number;
      encryptionMs: number;
      otherMs: number;
      providerCalls: number;
      sshProbes: number;
      storageByMethod: Record<string, { calls: number; ms: number }>;
    }[] = [];
    const failuresSeen: string[] = [];
    const warmUpMs: number[] = [];
    for (let i = 0; i < WARM_UP + PROVISIONINGS; i++) {
      const offer = candidates[i % 2]?.[Math.floor(i / 2)];
      if (!offer) throw new Error('the simulator catalogue ran out of single-GPU Vast/TensorDock offers');
      for (const w of [providerWatch, sshWatch, sleepWatch, storageWatch, eventWatch, keysWatch, cipherWatch, ...perMethod.values()]) w.reset();
      const start = performance.now();
      const startCpu = cpuMs();
      const requested = await provisioning.request({ consumerId: 'bench-provisioner', offerId: offer.id, reservationHours: 1, workloadType: 'llm', idleTimeoutMinutes: 0, storagePolicy: 'destroy' });
      if (!requested.ok) throw new Error(`provisioning request refused: ${requested.err.message}`);
      const final = await provisioning.run(requested.val.session.id);
      const totalMs = performance.now() - start;
      const totalCpuMs = cpuMs() - startCpu;
      if (final?.status !== 'running') {
        failuresSeen.push(`${offer.id}: ${final?.status ?? 'missing'} ${final?.errorMessage ?? ''}`.trim());
        continue;
      }
      const waiting = providerWatch.totalMs + sshWatch.totalMs + sleepWatch.totalMs;
      const overheadCpu = totalCpuMs - providerWatch.cpuMs - sshWatch.cpuMs - sleepWatch.cpuMs;
      if (i < WARM_UP) {
        warmUpMs.push(round(overheadCpu, 2));
        continue;
      }
      runs.push({
        provider: offer.provider,
        totalMs: round(totalMs, 1),
        providerMs: round(providerWatch.totalMs, 1),
        sshMs: round(sshWatch.totalMs, 1),
        sleepMs: round(sleepWatch.totalMs, 1),
        overheadMs: round(overheadCpu, 2),
        wallOverheadMs: round(totalMs - waiting, 2),
        storageMs: round(storageWatch.cpuMs, 2),
        storageCalls: storageWatch.calls,
        eventLogMs: round(eventWatch.cpuMs, 2),
        eventLogAppends: eventWatch.calls,
        keyGenerationMs: round(keysWatch.cpuMs, 2),
        encryptionMs: round(cipherWatch.cpuMs, 2),
        otherMs: round(overheadCpu - storageWatch.cpuMs - eventWatch.cpuMs - keysWatch.cpuMs - cipherWatch.cpuMs, 2),
        providerCalls: providerWatch.calls,
        sshProbes: sshWatch.calls,
        storageByMethod: Object.fromEntries([...perMethod].filter(([, w]) => w.calls > 0).map(([key, w]) => [key, { calls: w.calls, ms: round(w.cpuMs, 2) }])),
      });
    }
    if (runs.length < PROVISIONINGS / 2) throw new Error(`too few provisionings reached running (${runs.length}/${PROVISIONINGS}): ${failuresSeen.join('; ')}`);
    const overheads = runs.map((r) => r.overheadMs);
    const p95 = round(percentile(overheads, 95), 2);
    const wallOverheads = runs.map((r) => r.wallOverheadMs);
    const part = (pick: (r: (typeof runs)[number]) => number) => spread(runs.map(pick), 2);
    const breakdown = {
      storage: part((r) => r.storageMs),
      eventLog: part((r) => r.eventLogMs),
      keyGeneration: part((r) => r.keyGenerationMs),
      encryption: part((r) => r.encryptionMs),
      other: part((r) => r.otherMs),
    };
    // Per storage method: median calls and milliseconds per provisioning, the costliest first.
    const methods = [...new Set(runs.flatMap((r) => Object.keys(r.storageByMethod)))];
    const storageByMethod = Object.fromEntries(
      methods
        .map((key) => [key, { calls: median(runs.map((r) => r.storageByMethod[key]?.calls ?? 0)), ms: round(median(runs.map((r) => r.storageByMethod[key]?.ms ?? 0)), 2) }] as const)
        .sort(([, a], [, b]) => b.ms - a.ms),
    );
    return {
      value: round(median(overheads), 2),
      // The goal: half of the 12.5 ms the previous suite measured.
      goalMet: median(overheads) <= 6.25,
      spread: spread(overheads, 2),
      details: {
        // CPU milliseconds per provisioning, min/median/max over the rounds.
        breakdownMs: breakdown,
        wallOverheadMs: spread(wallOverheads, 2),
        storageCallsMedian: median(runs.map((r) => r.storageCalls)),
        storageByMethodMedian: storageByMethod,
        eventLogAppendsMedian: median(runs.map((r) => r.eventLogAppends)),
        provisionings: runs.length,
        // The uncounted first provisionings (CPU ms each): the one-off cost of a fresh process.
        warmUpMs,
        medianOverheadMs: round(median(overheads), 2),
        p95OverheadMs: p95,
        medianWallOverheadMs: round(median(wallOverheads), 2),
        medianTotalMs: round(median(runs.map((r) => r.totalMs)), 1),
        overheadShareOfTotal: round(median(runs.map((r) => r.overheadMs / r.totalMs)), 4),
        runs,
        failures: failuresSeen,
      },
      notes: [
        `breakdown (median CPU ms): storage ${breakdown.storage.median} (${median(runs.map((r) => r.storageCalls))} calls; the saga writes each event with its session update, so the event log is inside it), separate event appends ${breakdown.eventLog.median}, key generation ${breakdown.keyGeneration.median}, encryption ${breakdown.encryption.median}, other (saga logic, ids, validation) ${breakdown.other.median}`,
        `storage by method (median calls × CPU ms per provisioning): ${Object.entries(storageByMethod).map(([key, m]) => `${key} ${m.calls}× ${m.ms}`).join(', ')}`,
        `median ${round(median(overheads), 2)} ms, p95 ${p95} ms of process CPU time per provisioning outside provider calls, SSH probes and poll pauses (${runs.length} sessions after ${WARM_UP} uncounted ones, which took ${warmUpMs.join(' and ')} ms; simulator boot 1 s); the same stretch in wall time: median ${round(median(wallOverheads), 2)} ms (min ${round(Math.min(...wallOverheads), 2)}, max ${round(Math.max(...wallOverheads), 2)}), which includes waiting for a core; the rest of each ~${Math.round(median(runs.map((r) => r.totalMs)))} ms is provider calls, SSH probes and poll pauses`,
        'in-process ProvisioningService (the server composition copied from apps/server/src/compose.ts): HTTP routing and JSON of POST /sessions are not included (figure 6 measures the answered request)',
      ],
    };
  } finally {
    storage.close();
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
