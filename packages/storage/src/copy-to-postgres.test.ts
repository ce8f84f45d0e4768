import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { unwrap } from '@gpu-shopper/core';
import { buildBenchmarkResult, buildSession } from '@gpu-shopper/core/testing';

import { copySqliteToPostgres } from './copy-to-postgres.js';
import { openStorage } from './open-storage.js';
import { openPostgresStorage } from './postgres/open-postgres-storage.js';
import { describeWithPostgres } from './testing/describe-with-postgres.js';
import { startPostgresCluster, type PostgresCluster } from './testing/postgres-cluster.js';

describeWithPostgres('copying a SQLite deployment to PostgreSQL', () => {
  let cluster: PostgresCluster;
  let dir: string;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-shopper-copy-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies every row unchanged, keeps the deployment id, and continues the event sequence', async () => {
    const file = path.join(dir, 'gpu-shopper.db');
    const sqlite = openStorage({ path: file });
    const deploymentId = await sqlite.repositories.deployment.getOrCreate('dep_copied', new Date('2026-01-01T00:00:00Z'));
    unwrap(await sqlite.repositories.consumers.create({ id: 'team', name: 'Team', createdAt: new Date('2026-01-01T00:00:00Z'), disabledAt: null }));
    const { session, event } = buildSession({ id: 'ses_00000000000000000000000C01', consumerId: 'team' });
    unwrap(await sqlite.repositories.sessions.insert(session, event, { encryptedPrivateKey: 'sealed' }));
    const cost = {
      id: 'cst_1', sessionId: session.id, consumerId: 'team', provider: session.provider, gpuType: session.gpuType,
      periodStart: new Date('2026-01-01T00:00:00Z'), periodEnd: new Date('2026-01-01T00:01:00Z'), accruedSeconds: 60, amountMicros: 8_333, recordedAt: new Date('2026-01-01T00:01:00Z'), providerInstanceId: null, bidPerHourMicros: null, onDemandPricePerHourMicros: null, onDemandMicros: null,
    };
    unwrap(await sqlite.repositories.costs.appendAccrual(cost, 0));
    const result = buildBenchmarkResult({ id: 'bmr_00000000000000000000000C01' });
    unwrap(await sqlite.benchmarks.results.insert(result));
    sqlite.close();

    const url = await cluster.createDatabase('copy');
    const report = await copySqliteToPostgres(file, url);
    expect(report.rows).toMatchObject({ sessions: 1, sessionEvents: 1, costEntries: 1, consumers: 1, benchmarkResults: 1, sessionSecrets: 1 });

    const pg = await openPostgresStorage({ url });
    expect(await pg.repositories.deployment.getOrCreate('dep_other', new Date())).toBe(deploymentId);
    expect(await pg.repositories.sessions.get(session.id)).toEqual(session);
    expect(await pg.repositories.sessions.listEvents(session.id)).toEqual([event]);
    expect(await pg.repositories.sessionSecrets.get(session.id)).toBe('sealed');
    expect(await pg.repositories.costs.list({ sessionId: session.id })).toEqual([cost]);
    expect(await pg.benchmarks.results.get(result.id)).toEqual(result);
    // New events get sequence numbers after the copied ones (no primary-key clash).
    unwrap(await pg.repositories.sessions.appendEvent({ ...event, id: 'evt_after_copy', type: 'note', fromStatus: null, toStatus: null, reason: 'after' }));
    expect((await pg.repositories.sessions.listEvents(session.id)).map((e) => e.id)).toEqual([event.id, 'evt_after_copy']);

    // A second copy into the same database is refused and changes nothing.
    await expect(copySqliteToPostgres(file, url)).rejects.toThrow(/already holds a deployment/);
    expect(await pg.repositories.sessions.listEvents(session.id)).toHaveLength(2);
    await pg.close();
  });
});
