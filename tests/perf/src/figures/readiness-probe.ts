import { generateSessionKeyPair, NodeSshRemoteExec, SshNodeReadinessProbe } from '@gpu-shopper/ssh';

import { freePort } from '../support/processes.js';
import { startSshd } from '../support/sshd.js';
import { median, percentile, round } from '../support/stats.js';
import { type FigureOutcome } from './measure.js';

const ROUNDS = 15;

/**
 * Figure 5: one readiness probe round (SshNodeReadinessProbe.check: two SSH connections, the
 * package-lock check and the GPU query) against a real OpenSSH sshd on loopback, with TCP no-delay
 * on (the default) and off. Rounds alternate between the two so machine drift hits both alike.
 * The headline is the no-delay round in ms; the ratio off/on is what no-delay saves.
 */
export async function readinessProbeRound(): Promise<FigureOutcome> {
  const key = generateSessionKeyPair({ comment: 'gpushop-bench-client' });
  const sshd = await startSshd(await freePort(), key.publicKey);
  try {
    const target = { host: sshd.host, port: sshd.port, user: sshd.user, privateKey: key.privateKey };
    const probes = {
      on: new SshNodeReadinessProbe(new NodeSshRemoteExec({ noDelay: true })),
      off: new SshNodeReadinessProbe(new NodeSshRemoteExec({ noDelay: false })),
    };
    const samples: Record<'on' | 'off', number[]> = { on: [], off: [] };
    const once = async (mode: 'on' | 'off'): Promise<number> => {
      const start = performance.now();
      const result = await probes[mode].check(target);
      const ms = performance.now() - start;
      if (!result.ok) throw new Error(`readiness probe failed against the sshd fixture: ${result.err.message}`);
      if (!result.val.ready) throw new Error(`the sshd fixture reported not ready: ${result.val.reason}`);
      return ms;
    };
    // One untimed round each: the first connection pays for loading and key parsing.
    await once('on');
    await once('off');
    for (let i = 0; i < ROUNDS; i++) {
      for (const mode of i % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) samples[mode].push(await once(mode));
    }
    const on = median(samples.on);
    const off = median(samples.off);
    return {
      value: round(on, 1),
      goalMet: null,
      details: {
        rounds: ROUNDS,
        noDelayOn: { medianMs: round(on, 1), p95Ms: round(percentile(samples.on, 95), 1) },
        noDelayOff: { medianMs: round(off, 1), p95Ms: round(percentile(samples.off, 95), 1) },
        ratioOffToOn: round(off / on, 2),
        sshd: 'OpenSSH /usr/sbin/sshd on 127.0.0.1, ed25519 keys',
      },
      notes: [`readiness round: ${round(on, 1)} ms with no-delay (default), ${round(off, 1)} ms without: ×${round(off / on, 2)}`],
    };
  } finally {
    await sshd.stop();
  }
}
