import os from 'node:os';

import type client from 'prom-client';

import { LeaderElection, LeasedSessionOwnership, type Clock, type LeadershipListener, type Logger, type ReplicaRole } from '@gpu-shopper/core';
import { type Storage } from '@gpu-shopper/storage';

import { registerLeaderGauge } from '../observability/metrics.js';

/** A dead leader's lease runs out after this; a follower checks every fifth of it (takeover ≤ 12 s). */
export const LEADER_LEASE_TTL_MS = 10_000;
/** A dead replica's sessions are taken over after this (their saga or destroy resumes on another). */
export const SESSION_LEASE_TTL_MS = 15_000;

/** What /health tells about this process among the replicas. */
export interface ReplicaStatus {
  readonly id: string;
  readonly database: Storage['kind'];
  readonly role: ReplicaRole;
  /** The leader lease's fencing token while this replica leads. */
  readonly leaderToken: number | null;
  /** When this process last completed a lifecycle tick (only the leader ticks). */
  readonly lastLifecycleTickAt: Date | null;
}

export function defaultReplicaId(): string {
  return `${os.hostname()}-${process.pid}`;
}

/**
 * This process among the replicas. On SQLite there is one process, always the leader, and it owns
 * every session (no leases). On PostgreSQL the leader is elected through the `leader` lease and each
 * session's saga or destroy is owned through its `session:<id>` lease.
 */
export class Replica {
  readonly election: LeaderElection | null;
  readonly ownership: LeasedSessionOwnership | null;
  private lastTick: Date | null = null;
  private listener: LeadershipListener | null = null;

  constructor(
    readonly id: string,
    readonly database: Storage['kind'],
    storage: Storage,
    clock: Clock,
    logger: Logger,
  ) {
    if (database === 'sqlite') {
      this.election = null;
      this.ownership = null;
      return;
    }
    this.ownership = new LeasedSessionOwnership({ leases: storage.leases, holder: id, clock, logger, ttlMs: SESSION_LEASE_TTL_MS });
    this.election = new LeaderElection(
      { leases: storage.leases, holder: id, clock, logger, ttlMs: LEADER_LEASE_TTL_MS },
      {
        elected: (token) => this.listener?.elected(token),
        deposed: (reason) => this.listener?.deposed(reason),
      },
    );
  }

  get role(): ReplicaRole {
    return this.election ? this.election.role : 'leader';
  }

  /** Starts campaigning (PostgreSQL) or leads at once (SQLite). */
  async lead(listener: LeadershipListener): Promise<void> {
    if (!this.election) {
      await listener.elected(0);
      return;
    }
    this.listener = listener;
    this.election.start();
  }

  async stop(): Promise<void> {
    await this.election?.stop();
  }

  lifecycleTicked(at: Date): void {
    this.lastTick = at;
  }

  status(): ReplicaStatus {
    return {
      id: this.id,
      database: this.database,
      role: this.role,
      leaderToken: this.election ? (this.election.token ?? null) : null,
      lastLifecycleTickAt: this.lastTick,
    };
  }

  /** `gpu_shopper_replica_leader` (1 on the leader) for the dashboard's leader changes. */
  registerMetrics(registry: client.Registry): void {
    registerLeaderGauge(registry, () => this.role === 'leader');
  }
}
