import { type Lease, type LeaseRepository } from '../ports/leases.js';

/** Leases in a Map: the single-process semantics of the database implementations, for tests. */
export class InMemoryLeaseRepository implements LeaseRepository {
  private readonly leases = new Map<string, Lease>();

  async acquire(name: string, holder: string, now: Date, ttlMs: number): Promise<Lease | undefined> {
    const current = this.leases.get(name);
    const expiresAt = new Date(now.getTime() + ttlMs);
    if (current && current.holder !== holder && current.expiresAt.getTime() > now.getTime()) return undefined;
    const keeps = current !== undefined && current.holder === holder && current.expiresAt.getTime() > now.getTime();
    const next: Lease = keeps
      ? { ...current, expiresAt }
      : { name, holder, token: (current?.token ?? 0) + 1, acquiredAt: now, expiresAt };
    this.leases.set(name, next);
    return { ...next };
  }

  async renew(name: string, holder: string, token: number, now: Date, ttlMs: number): Promise<Lease | undefined> {
    const current = this.leases.get(name);
    if (!current || current.holder !== holder || current.token !== token) return undefined;
    const next = { ...current, expiresAt: new Date(now.getTime() + ttlMs) };
    this.leases.set(name, next);
    return { ...next };
  }

  async release(name: string, holder: string, token: number, now: Date): Promise<void> {
    const current = this.leases.get(name);
    if (current && current.holder === holder && current.token === token) this.leases.set(name, { ...current, expiresAt: now });
  }

  async get(name: string): Promise<Lease | undefined> {
    const current = this.leases.get(name);
    return current && { ...current };
  }
}
