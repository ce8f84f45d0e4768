/**
 * The behaviour every LeaseRepository shares (in-memory, SQLite, PostgreSQL). Uses jest's globals,
 * so only tests may import it.
 */
import { type LeaseRepository } from '../ports/leases.js';

export interface LeaseHarness {
  readonly leases: LeaseRepository;
  /** A second handle on the same store (another connection or process), when the store has one. */
  readonly other?: LeaseRepository;
  close?(): void | Promise<void>;
}

const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);

export function describeLeaseContract(name: string, open: () => LeaseHarness | Promise<LeaseHarness>): void {
  describe(`${name}: lease contract`, () => {
    let harness: LeaseHarness;
    let leases: LeaseRepository;

    beforeEach(async () => {
      harness = await open();
      leases = harness.leases;
    });
    afterEach(async () => {
      await harness.close?.();
    });

    it('gives a free lease to the first holder with token 1, and refuses a second holder while it runs', async () => {
      const first = await leases.acquire('leader', 'replica-a', at(0), 10_000);
      expect(first).toEqual({ name: 'leader', holder: 'replica-a', token: 1, acquiredAt: at(0), expiresAt: at(10_000) });
      expect(await leases.acquire('leader', 'replica-b', at(9_999), 10_000)).toBeUndefined();
      expect(await leases.get('leader')).toEqual(first);
    });

    it('lets the holder re-acquire (extend) its running lease without changing the token', async () => {
      await leases.acquire('leader', 'replica-a', at(0), 10_000);
      expect(await leases.acquire('leader', 'replica-a', at(5_000), 10_000)).toMatchObject({ token: 1, acquiredAt: at(0), expiresAt: at(15_000) });
    });

    it('hands an expired lease to another holder with a higher token, and the old holder can no longer renew it', async () => {
      await leases.acquire('leader', 'replica-a', at(0), 10_000);
      const taken = await leases.acquire('leader', 'replica-b', at(10_000), 10_000);
      expect(taken).toMatchObject({ holder: 'replica-b', token: 2, acquiredAt: at(10_000), expiresAt: at(20_000) });
      expect(await leases.renew('leader', 'replica-a', 1, at(10_001), 10_000)).toBeUndefined();
      expect(await leases.get('leader')).toMatchObject({ holder: 'replica-b', token: 2 });
    });

    it('renews only with the current holder and token', async () => {
      const lease = await leases.acquire('leader', 'replica-a', at(0), 10_000);
      expect(await leases.renew('leader', 'replica-a', (lease?.token ?? 0) + 1, at(1_000), 10_000)).toBeUndefined();
      expect(await leases.renew('leader', 'replica-b', lease?.token ?? 0, at(1_000), 10_000)).toBeUndefined();
      expect(await leases.renew('leader', 'replica-a', lease?.token ?? 0, at(1_000), 10_000)).toMatchObject({ token: 1, expiresAt: at(11_000) });
      expect(await leases.renew('missing', 'replica-a', 1, at(1_000), 10_000)).toBeUndefined();
    });

    it('a holder re-acquiring its own expired lease gets a new token (someone may have acted in between)', async () => {
      await leases.acquire('leader', 'replica-a', at(0), 10_000);
      expect(await leases.acquire('leader', 'replica-a', at(10_000), 10_000)).toMatchObject({ token: 2, acquiredAt: at(10_000) });
    });

    it('release expires the lease at once but keeps the token growing', async () => {
      const lease = await leases.acquire('leader', 'replica-a', at(0), 10_000);
      await leases.release('leader', 'replica-b', lease?.token ?? 0, at(1_000)); // not the holder: ignored
      expect(await leases.acquire('leader', 'replica-b', at(1_000), 10_000)).toBeUndefined();
      await leases.release('leader', 'replica-a', lease?.token ?? 0, at(1_000));
      expect(await leases.acquire('leader', 'replica-b', at(1_000), 10_000)).toMatchObject({ holder: 'replica-b', token: 2 });
    });

    it('keeps leases of different names apart', async () => {
      expect(await leases.acquire('session:a', 'replica-a', at(0), 10_000)).toMatchObject({ token: 1 });
      expect(await leases.acquire('session:b', 'replica-b', at(0), 10_000)).toMatchObject({ token: 1 });
      expect(await leases.get('session:c')).toBeUndefined();
    });

    it('gives a contested lease to exactly one of many concurrent acquirers', async () => {
      const stores = [leases, harness.other ?? leases];
      const holders = Array.from({ length: 8 }, (_, i) => `replica-${i}`);
      const results = await Promise.all(holders.map((holder, i) => (stores[i % 2] as LeaseRepository).acquire('leader', holder, at(0), 10_000)));
      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      expect(await leases.get('leader')).toEqual(winners[0]);
    });
  });
}
