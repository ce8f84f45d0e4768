import client from 'prom-client';

import { SESSION_STATUSES, type Repositories } from '@gpu-shopper/core';

/**
 * The server's Prometheus metrics, on a registry of its own (tests can build many apps in one
 * process). Names are prefixed `gpu_shopper_`; the dashboard and alert rules depend on them.
 */
export interface ServerMetrics {
  readonly registry: client.Registry;
  readonly httpRequests: client.Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: client.Histogram<'method' | 'route'>;
  readonly provisioningDuration: client.Histogram<'provider' | 'outcome'>;
  readonly providerCalls: client.Counter<'provider' | 'operation' | 'status'>;
  readonly providerErrors: client.Counter<'provider' | 'operation' | 'code'>;
  readonly providerLatency: client.Histogram<'provider' | 'operation'>;
  readonly destroys: client.Counter<'initiator' | 'outcome'>;
  readonly orphansFound: client.Counter<'provider'>;
  readonly orphansDestroyed: client.Counter<'provider'>;
  readonly reconciliationPauses: client.Counter<'provider'>;
  readonly costAccrued: client.Counter<'provider'>;
  readonly budgetAlerts: client.Counter<'consumer_id' | 'threshold'>;
  readonly preemptions: client.Counter<'provider' | 'on_preempt'>;
  readonly authFailures: client.Counter;
  readonly stuckStopping: client.Gauge;
  readonly backgroundJobDuration: client.Histogram<'job'>;
}

export function createMetrics(repositories: Repositories): ServerMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'gpu_shopper_' });
  const make = {
    counter: <L extends string>(name: string, help: string, labelNames: readonly L[]) => new client.Counter<L>({ name, help, labelNames, registers: [registry] }),
    histogram: <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
      new client.Histogram<L>({ name, help, labelNames, buckets, registers: [registry] }),
  };
  new client.Gauge({
    name: 'gpu_shopper_sessions',
    help: 'Sessions by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const sessions = await repositories.sessions.list();
      for (const status of SESSION_STATUSES) this.set({ status }, sessions.filter((s) => s.status === status).length);
    },
  });
  return {
    registry,
    httpRequests: make.counter('gpu_shopper_http_requests_total', 'HTTP requests by route and status', ['method', 'route', 'status']),
    httpDuration: make.histogram('gpu_shopper_http_request_duration_seconds', 'HTTP request duration', ['method', 'route'], [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]),
    provisioningDuration: make.histogram('gpu_shopper_provisioning_duration_seconds', 'From request to running or failed', ['provider', 'outcome'], [10, 30, 60, 120, 300, 600, 1200, 2400]),
    providerCalls: make.counter('gpu_shopper_provider_api_calls_total', 'Provider API calls', ['provider', 'operation', 'status']),
    providerErrors: make.counter('gpu_shopper_provider_api_errors_total', 'Provider API calls that failed', ['provider', 'operation', 'code']),
    providerLatency: make.histogram('gpu_shopper_provider_api_latency_seconds', 'Provider API latency', ['provider', 'operation'], [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]),
    destroys: make.counter('gpu_shopper_destroys_total', 'Destroy requests by who initiated them', ['initiator', 'outcome']),
    orphansFound: make.counter('gpu_shopper_orphans_found_total', 'Orphan instances seen by the reconciler', ['provider']),
    orphansDestroyed: make.counter('gpu_shopper_orphans_destroyed_total', 'Orphan instances destroyed', ['provider']),
    reconciliationPauses: make.counter('gpu_shopper_reconciliation_pauses_total', 'Reconciliation passes skipped for a provider because its listing failed', ['provider']),
    costAccrued: make.counter('gpu_shopper_cost_accrued_usd_total', 'Cost accrued in the ledger, USD', ['provider']),
    budgetAlerts: make.counter('gpu_shopper_budget_alerts_total', 'Budget thresholds crossed', ['consumer_id', 'threshold']),
    backgroundJobDuration: make.histogram('gpu_shopper_background_job_duration_seconds', 'Duration of each pass of a background job (lifecycle tick, reconciliation, ...)', ['job'], [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60]),
    preemptions: make.counter('gpu_shopper_preemptions_total', 'Spot instances stopped by a higher bid, by the policy applied', ['provider', 'on_preempt']),
    authFailures: new client.Counter({ name: 'gpu_shopper_auth_failures_total', help: 'Requests refused for bad credentials', registers: [registry] }),
    stuckStopping: new client.Gauge({ name: 'gpu_shopper_sessions_stuck_stopping', help: 'Sessions in stopping longer than the alert threshold at the last tick', registers: [registry] }),
  };
}

/**
 * `gpu_shopper_replica_leader`: 1 on the replica that leads (always 1 for a single server on SQLite),
 * read at scrape time, for the dashboard's leader panel and leader changes.
 */
export function registerLeaderGauge(registry: client.Registry, isLeader: () => boolean): void {
  new client.Gauge({
    name: 'gpu_shopper_replica_leader',
    help: 'Whether this replica is the leader (runs the lifecycle tick, reconciliation, inventory refresh, benchmark schedules)',
    registers: [registry],
    collect() {
      this.set(isLeader() ? 1 : 0);
    },
  });
}
