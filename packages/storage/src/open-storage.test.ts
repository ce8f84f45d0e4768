import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';

import { unwrap } from '@gpu-shopper/core';
import { buildSession, describeLeaseContract, describeRepositoryContract } from '@gpu-shopper/core/testing';

import { openStorage } from './open-storage.js';
import { expectOneOfTwoSessionUpdatesWins } from './testing/session-update-race.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-shopper-storage-'));
}

describeRepositoryContract('sqlite :memory:', () => {
  const storage = openStorage({ path: ':memory:' });
  return { repos: storage.repositories, close: () => storage.close() };
});

describeRepositoryContract('sqlite file', () => {
  const dir = tempDir();
  const storage = openStorage({ path: path.join(dir, 'contract.db') });
  return {
    repos: storage.repositories,
    close: () => {
      storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeLeaseContract('sqlite file (two connections)', () => {
  const dir = tempDir();
  const a = openStorage({ path: path.join(dir, 'leases.db') });
  const b = openStorage({ path: path.join(dir, 'leases.db') });
  return {
    leases: a.leases,
    other: b.leases,
    close: () => {
      a.close();
      b.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('openStorage', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the folder, enables WAL and foreign keys, and keeps data across reopen', async () => {
    const file = path.join(dir, 'nested', 'data', 'gpu-shopper.db');
    const first = openStorage({ path: file });
    const { session, event } = buildSession({ id: 'ses_00000000000000000000000R01' });
    unwrap(await first.repositories.sessions.insert(session, event));
    const deploymentId = await first.repositories.deployment.getOrCreate('dep_original', new Date());
    expect(first.ping()).toBe(true);
    first.close();

    // Reopening applies migrations again: they must be idempotent and keep every row.
    const second = openStorage({ path: file });
    expect(await second.repositories.sessions.get(session.id)).toEqual(session);
    expect(await second.repositories.sessions.listEvents(session.id)).toEqual([event]);
    expect(await second.repositories.deployment.getOrCreate('dep_other', new Date())).toBe(deploymentId);
    second.close();

    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    const applied = raw.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
    expect(applied.n).toBe(fs.readdirSync(path.resolve(import.meta.dirname, '..', 'drizzle')).filter((f) => f.endsWith('.sql')).length);
    raw.close();
  });

  it('enforces foreign keys: an event for an unknown session is refused', () => {
    const storage = openStorage({ path: ':memory:' });
    expect(() =>
      storage.db.$client
        .prepare("insert into session_events (id, session_id, type, actor, reason, occurred_at, data) values ('e', 'nope', 'note', 'api', '', 0, '{}')")
        .run(),
    ).toThrow(/FOREIGN KEY/);
    storage.close();
  });

  it('lets exactly one of two connections win a concurrent update of one session', async () => {
    const file = path.join(dir, 'race.db');
    const a = openStorage({ path: file });
    const b = openStorage({ path: file });
    await expectOneOfTwoSessionUpdatesWins(a.repositories.sessions, b.repositories.sessions, 'ses_00000000000000000000000R02');
    a.close();
    b.close();
  });

  it('writes each kind of column through its prepared statements as a built statement would (dates, JSON, booleans, nulls), for one shape of changes written twice', async () => {
    const storage = openStorage({ path: ':memory:' });
    const sessions = storage.repositories.sessions;
    const { session, event } = buildSession({ id: 'ses_00000000000000000000000R04', interruptible: true, triedOfferIds: ['a'] });
    unwrap(await sessions.insert(session, event, { encryptedPrivateKey: 'sealed' }));
    expect(await sessions.get(session.id)).toEqual(session);
    const first = new Date('2026-01-01T01:02:03.456Z');
    const note = (id: string, data: Record<string, unknown>) => ({ ...event, id, type: 'note' as const, fromStatus: null, toStatus: null, data });
    const once = unwrap(await sessions.update(session.id, session.version, { stoppedAt: first, triedOfferIds: ['a', 'b'], interruptible: false, providerInstanceId: 'i-1' }, [note('evt_R04a', { n: 1 })]));
    expect(once).toEqual({ ...session, stoppedAt: first, triedOfferIds: ['a', 'b'], interruptible: false, providerInstanceId: 'i-1', version: session.version + 1 });
    const twice = unwrap(await sessions.update(session.id, once.version, { stoppedAt: null, triedOfferIds: [], interruptible: true, providerInstanceId: null }, [note('evt_R04b', { n: 2 })]));
    expect(twice).toEqual({ ...session, stoppedAt: null, triedOfferIds: [], interruptible: true, providerInstanceId: null, version: session.version + 2 });
    expect(await sessions.get(session.id)).toEqual(twice);
    expect((await sessions.listEvents(session.id)).map((e) => [e.id, e.data, e.fromStatus])).toEqual([
      [event.id, event.data, event.fromStatus],
      ['evt_R04a', { n: 1 }, null],
      ['evt_R04b', { n: 2 }, null],
    ]);
    expect(await storage.repositories.sessionSecrets.get(session.id)).toBe('sealed');
    storage.close();
  });

  it('fails loudly on a corrupted row instead of returning a bad session', async () => {
    const storage = openStorage({ path: ':memory:' });
    const { session, event } = buildSession({ id: 'ses_00000000000000000000000R03' });
    unwrap(await storage.repositories.sessions.insert(session, event));
    storage.db.$client.prepare("update sessions set status = 'exploded' where id = ?").run(session.id);
    await expect(storage.repositories.sessions.get(session.id)).rejects.toThrow();
    storage.close();
  });
});

describe('finding 10: the database file is private', () => {
  it('creates the directory 0700 and the file (and its WAL) 0600, and tightens an existing 0644 file', () => {
    const dir = tempDir();
    try {
      const file = path.join(dir, 'nested', 'gpu-shopper.db');
      const storage = openStorage({ path: file });
      storage.close();
      expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      for (const sidecar of [`${file}-wal`, `${file}-shm`]) if (fs.existsSync(sidecar)) expect(fs.statSync(sidecar).mode & 0o077).toBe(0);

      const loose = path.join(dir, 'loose.db');
      fs.writeFileSync(loose, '', { mode: 0o644 });
      fs.chmodSync(loose, 0o644);
      openStorage({ path: loose }).close();
      expect(fs.statSync(loose).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
