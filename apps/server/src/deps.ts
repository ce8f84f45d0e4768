import {
  type Clock,
  type IdGenerator,
  type InventoryService,
  type Logger,
  type OfferFailureTracker,
  type ProvisioningService,
  type Reconciler,
  type Repositories,
  type SessionCommands,
  type TemplateService,
} from '@gpu-shopper/core';
import { type DiagnosticsResponse } from '@gpu-shopper/contract';
import { type BenchmarkRunner, type BenchmarkScheduler } from '@gpu-shopper/bench';
import { type BenchmarkRepositories } from '@gpu-shopper/core';

import { type ProviderDiagnosis } from '@gpu-shopper/providers';

import { type ServerMetrics } from './observability/metrics.js';
import { type ReplicaStatus } from './replicas/replica.js';

/** Live probes of a session's node, for `GET /sessions/:id/diagnostics`. */
export type SessionDiagnostics = (sessionId: string) => Promise<DiagnosticsResponse>;

/** Benchmarking: stored results, the runner (runs rent real GPUs) and the cron scheduler. */
export interface BenchmarkDeps {
  readonly repositories: BenchmarkRepositories;
  readonly runner: Pick<BenchmarkRunner, 'createAndStart' | 'cancel'>;
  readonly scheduler: Pick<BenchmarkScheduler, 'create' | 'update' | 'delete' | 'get' | 'list'>;
}

/** Everything the HTTP app needs, built by main.ts (or by tests from fakes). */
export interface AppDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly ids: IdGenerator;
  readonly version: string;
  readonly deploymentId: string;
  readonly mode: 'live' | 'simulate';
  readonly simulatorControlUrl: string | null;
  /** This process among the replicas (id, role, database), for /health. */
  readonly replica?: () => ReplicaStatus;
  readonly adminToken: string | undefined;
  /** TRUST_PROXY: the reverse proxy whose X-Forwarded-For names the real client. @default false */
  readonly trustProxy?: false | number | string[];
  readonly repositories: Repositories;
  readonly inventory: InventoryService;
  /** Vendor launch templates (Vast.ai's), cached. */
  readonly templates: TemplateService;
  readonly provisioning: ProvisioningService;
  readonly commands: SessionCommands;
  readonly offerFailures: OfferFailureTracker;
  readonly reconciler: Reconciler;
  readonly diagnostics: SessionDiagnostics;
  readonly benchmarks: BenchmarkDeps;
  readonly metrics: ServerMetrics;
  /** Starts the provisioning saga of a new session in the background (tracked for shutdown). */
  readonly startProvisioning: (sessionId: string) => void;
  /** Readiness checks by name (storage, each provider…); each resolves true when usable. */
  readonly readinessChecks: Readonly<Record<string, () => boolean | Promise<boolean>>>;
  /** Read-only live checks of every configured provider (`GET /api/v1/providers/health`); absent: none configured. */
  readonly providerHealth?: () => Promise<ProviderDiagnosis[]>;
  /** The web console's build (apps/web/dist), served at `/`; absent: no console route at all. */
  readonly consoleDir?: string;
  /** How often the event stream looks for new session events. @default 1000 */
  readonly eventPollIntervalMs?: number;
  /** Event streams open at once. @default 20 per caller, 5 per session */
  readonly eventStreamLimits?: { readonly perCaller: number; readonly perSession: number };
  /** Diagnostics (an SSH connection each) running at once. @default 4 per caller, 1 per session */
  readonly diagnosticsLimits?: { readonly perCaller: number; readonly perSession: number };
}
