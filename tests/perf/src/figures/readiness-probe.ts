import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { generateSessionKeyPair, NodeSshRemoteExec, SshNodeReadinessProbe } from '@gpu-shopper/ssh';

import { freePort } from '../support/processes.js';
import { startSshd } from '../support/sshd.js';
import { median, percentile, round, spread } from '../support/stats.js';
import { type FigureOutcome } from './measure.js';

const ROUNDS = 15;

export const SSH_CLIENT = '/usr/bin/ssh';

/** One OpenSSH client connect + `true`, as a person or script would check a node: the baseline. */
async function opensshTrue(target: { host: string; port: number; user: string }, keyFile: string): Promise<number> {
  const start = performance.now();
  const child = spawn(SSH_CLIENT, ['-i', keyFile, '-p', String(target.port), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'IdentitiesOnly=yes', `${target.user}@${target.host}`, 'true'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`ssh … true exited ${code}: ${err.slice(0, 300)}`);
  return performance.now() - start;
}

/**
 * Figure 5: one readiness probe round (SshNodeReadinessProbe.check: the package-lock check and the
 * GPU query) against a real OpenSSH sshd on loopback, side by side with one OpenSSH client
 * connect + exec of `true` on the same sshd; rounds alternate so machine drift hits both alike.
 * Headline: the probe round over the client's connect + `true`. Both OpenSSH programs must be
 * installed (`apt-get install openssh-server openssh-client`); a missing one fails the run.
 */
export async function readinessProbeRound(): Promise<FigureOutcome> {
  if (!existsSync(SSH_CLIENT)) throw new Error(`no OpenSSH client at ${SSH_CLIENT}: install openssh-client (see tests/perf/README.md)`);
  const key = generateSessionKeyPair({ comment: 'gpushop-bench-client' });
  const sshd = await startSshd(await freePort(), key.publicKey);
  const keyDir = await mkdtemp(path.join(tmpdir(), 'gpushop-bench-sshkey-'));
  try {
    const keyFile = path.join(keyDir, 'id_ed25519');
    await writeFile(keyFile, key.privateKey, { mode: 0o600 });
    const target = { host: sshd.host, port: sshd.port, user: sshd.user, privateKey: key.privateKey };
    const probe = new SshNodeReadinessProbe(new NodeSshRemoteExec({ noDelay: true }));
    const samples: Record<'probe' | 'openssh', number[]> = { probe: [], openssh: [] };
    const once = async (mode: 'probe' | 'openssh'): Promise<number> => {
      if (mode === 'openssh') return opensshTrue(target, keyFile);
      const start = performance.now();
      const result = await probe.check(target);
      const ms = performance.now() - start;
      if (!result.ok) throw new Error(`readiness probe failed against the sshd fixture: ${result.err.message}`);
      if (!result.val.ready) throw new Error(`the sshd fixture reported not ready: ${result.val.reason}`);
      return ms;
    };
    // One untimed round each: the first connection pays for loading and key parsing.
    await once('probe');
    await once('openssh');
    for (let i = 0; i < ROUNDS; i++) {
      for (const mode of i % 2 === 0 ? (['probe', 'openssh'] as const) : (['openssh', 'probe'] as const)) samples[mode].push(await once(mode));
    }
    const p = median(samples.probe);
    const o = median(samples.openssh);
    const ratio = round(p / o, 2);
    return {
      value: ratio,
      goalMet: ratio <= 1.5,
      spread: spread(samples.probe.map((ms, i) => ms / (samples.openssh[i] ?? ms)), 2),
      details: {
        rounds: ROUNDS,
        probeMs: { ...spread(samples.probe, 1), p95: round(percentile(samples.probe, 95), 1) },
        opensshConnectTrueMs: { ...spread(samples.openssh, 1), p95: round(percentile(samples.openssh, 95), 1) },
        sshd: 'OpenSSH /usr/sbin/sshd on 127.0.0.1, ed25519 keys; client /usr/bin/ssh',
      },
      notes: [`readiness round ${round(p, 1)} ms vs OpenSSH connect + true ${round(o, 1)} ms on the same sshd: ${ratio}`],
    };
  } finally {
    await sshd.stop();
    await rm(keyDir, { recursive: true, force: true });
  }
}
