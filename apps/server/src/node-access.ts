import { type DiagnosticsResponse } from '@gpu-shopper/contract';
import {
  type Clock,
  type GpuActivitySampler,
  type Logger,
  type NodeReadinessProbe,
  type RemoteExec,
  type RemoteTarget,
  type Repositories,
  type SecretCipher,
  type SshKeyGenerator,
} from '@gpu-shopper/core';
import { Ed25519SessionKeyGenerator, NodeSshRemoteExec, NvidiaSmiActivitySampler, SshNodeReadinessProbe, diagnoseNode, type NodeDiagnostics } from '@gpu-shopper/ssh';

/** How the server reaches GPU nodes: session keys, readiness, idle sampling and live diagnostics, all over SSH. */
export interface NodeAccess {
  readonly keys: SshKeyGenerator;
  readonly readiness: NodeReadinessProbe;
  readonly activity: GpuActivitySampler;
  readonly remote: RemoteExec;
  diagnose(sessionId: string, signal?: AbortSignal): Promise<DiagnosticsResponse>;
}

export interface NodeAccessOptions {
  readonly logger: Logger;
  readonly repositories: Repositories;
  readonly cipher: SecretCipher;
  readonly clock: Clock;
  /** Per SSH command during diagnostics; the request waits at most about this long. */
  readonly diagnosticsTimeoutMs?: number;
}


export function toDiagnosticsResponse(sessionId: string, checkedAt: string, diagnostics: NodeDiagnostics): DiagnosticsResponse {
  const round = (gib: number): number => Math.round(gib * 100) / 100;
  return {
    session_id: sessionId,
    reachable: true,
    checked_at: checkedAt,
    error: diagnostics.gpuError,
    gpus: diagnostics.gpus.map((g) => ({
      index: g.index,
      name: g.name,
      memory_total_mib: g.memoryTotalMib,
      memory_used_mib: g.memoryUsedMib,
      utilization_percent: g.utilizationPercent,
      temperature_c: g.temperatureC,
      power_draw_w: g.powerDrawW,
    })),
    driver_version: diagnostics.driverVersion,
    cuda_version: diagnostics.cudaVersion,
    disk: diagnostics.disk
      ? { total_gb: round(diagnostics.disk.totalGib), used_gb: round(diagnostics.disk.usedGib), available_gb: round(diagnostics.disk.availableGib), mount: diagnostics.disk.mountPoint }
      : null,
    oom_kills: diagnostics.oomKills ?? 0,
    ready: diagnostics.ready,
    not_ready_reason: diagnostics.notReadyReason,
  };
}

function unreachable(sessionId: string, checkedAt: string, why: string): DiagnosticsResponse {
  return { session_id: sessionId, reachable: false, checked_at: checkedAt, error: why, gpus: [], driver_version: null, cuda_version: null, disk: null, oom_kills: 0, ready: false, not_ready_reason: why };
}

export function createNodeAccess(options: NodeAccessOptions): NodeAccess {
  const remote = new NodeSshRemoteExec({ logger: options.logger });
  const timeoutMs = options.diagnosticsTimeoutMs ?? 20_000;

  /** The session's SSH target, or why there is none (not running yet, or its key is gone). */
  const targetOf = async (sessionId: string): Promise<RemoteTarget | string> => {
    const session = await options.repositories.sessions.get(sessionId);
    if (!session) return 'session not found';
    if (!session.sshHost || !session.sshPort || !session.sshUser) return `the session is ${session.status} and has no SSH endpoint yet`;
    const secret = await options.repositories.sessionSecrets.get(sessionId);
    if (!secret) return 'the session key is no longer retained (the session has ended)';
    return { host: session.sshHost, port: session.sshPort, user: session.sshUser, privateKey: options.cipher.decrypt(secret), ...(session.hostKeyFingerprint ? { hostKeyFingerprint: session.hostKeyFingerprint } : {}) };
  };

  return {
    remote,
    keys: new Ed25519SessionKeyGenerator(),
    readiness: new SshNodeReadinessProbe(remote),
    activity: new NvidiaSmiActivitySampler(remote),
    async diagnose(sessionId, signal) {
      const checkedAt = options.clock.now().toISOString();
      const target = await targetOf(sessionId);
      if (typeof target === 'string') return unreachable(sessionId, checkedAt, target);
      const result = await diagnoseNode(remote, target, { timeoutMs, ...(signal ? { signal } : {}) });
      if (!result.ok) return unreachable(sessionId, checkedAt, `${result.err.kind}: ${result.err.message}`);
      return toDiagnosticsResponse(sessionId, checkedAt, result.val);
    },
  };
}
