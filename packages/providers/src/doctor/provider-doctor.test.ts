import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startSimulator, type RunningSimulator } from '@gpu-shopper/simulator';

import { type ProviderCredentials } from '../create-provider-adapters.js';
import { redactPayload } from '../record/exchange-recorder.js';
import { diagnoseProviders } from './provider-doctor.js';

const KEYS = { vastai: 'vast-key-0123456789abcdef', tensordock: 'td-token-0123456789abcdef', bluelobster: 'bl-key-0123456789abcdef' } as const;

describe('provider doctor against the simulated vendors', () => {
  let sim: RunningSimulator;
  let credentials: ProviderCredentials;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, catalogSize: 80, acceptedKeys: KEYS });
    credentials = {
      vastai: { apiKey: KEYS.vastai, baseUrl: sim.urls.vastai },
      tensordock: { authId: 'td-auth-id', apiToken: KEYS.tensordock, baseUrl: sim.urls.tensordock },
      bluelobster: { apiKey: KEYS.bluelobster, baseUrl: sim.urls.bluelobster },
    };
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('reports reachable, authenticated, offers, instances, balance, headers and clock skew for each provider — and rents nothing', async () => {
    const report = await diagnoseProviders(credentials, { timeoutMs: 5000 });
    expect(report.map((p) => [p.provider, p.ok, p.reachable, p.authenticated, p.error])).toEqual([
      ['vastai', true, true, true, null],
      ['tensordock', true, true, true, null],
      ['bluelobster', true, true, true, null],
    ]);
    for (const provider of report) {
      expect(provider.offers?.parsed).toBeGreaterThan(0);
      expect(provider.offers?.received).toBeGreaterThanOrEqual(provider.offers?.parsed ?? 0);
      expect(provider.instances).toEqual({ parsed: 0 });
      // The simulator's clock is this machine's: the skew is within the Date header's 1 s resolution.
      expect(Math.abs(provider.clockSkewMs ?? Infinity)).toBeLessThan(2000);
      expect(provider.calls.every((c) => c.method === 'GET' || (c.method === 'POST' && c.operation === 'listOffers'))).toBe(true);
    }
    expect(report[0]?.balance).toEqual({ amount: 100, currency: 'USD' });
    expect(report[1]?.balance).toBeNull();
    // Blue Lobster lists CPU-only types; they are counted as dropped, with the reason.
    expect(report[2]?.offers?.dropped).toContainEqual({ reason: 'CPU-only instance type', count: expect.any(Number) });
    expect(await sim.control.instances()).toEqual([]);
  });

  it('a wrong key names the provider and says authentication failed; the others still pass', async () => {
    const report = await diagnoseProviders({ ...credentials, vastai: { apiKey: 'wrong-key', baseUrl: sim.urls.vastai } }, { timeoutMs: 5000 });
    const vast = report.find((p) => p.provider === 'vastai');
    expect(vast).toMatchObject({ ok: false, reachable: true, authenticated: false, offers: null, instances: null, balance: null });
    expect(vast?.error).toMatch(/^vastai: authentication failed \(HTTP 401\)/);
    expect(vast?.error).not.toContain('wrong-key');
    expect(report.filter((p) => p.provider !== 'vastai').every((p) => p.ok)).toBe(true);
  });

  it('an unreachable provider is reported as such', async () => {
    const report = await diagnoseProviders({ bluelobster: { apiKey: KEYS.bluelobster, baseUrl: 'http://127.0.0.1:9/api/v1' } }, { timeoutMs: 2000 });
    expect(report[0]).toMatchObject({ provider: 'bluelobster', ok: false, reachable: false, authenticated: null, instances: null });
    // Only the catalogue was tried (with its one retry): an unreachable vendor is not asked three times over.
    expect(report[0]?.calls.map((c) => c.operation)).toEqual(['listOffers', 'listOffers']);
  });

  it('record mode writes each request/response pair without keys or IP addresses', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpushop-record-'));
    try {
      await diagnoseProviders(credentials, { timeoutMs: 5000, recordDir: dir });
      const files = ['vastai', 'tensordock', 'bluelobster'].flatMap((vendor) => fs.readdirSync(path.join(dir, vendor)).map((f) => path.join(dir, vendor, f)));
      expect(files.length).toBeGreaterThanOrEqual(6);
      const text = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
      for (const key of [...Object.values(KEYS), 'td-auth-id']) expect(text).not.toContain(key);
      expect(text).not.toContain('127.0.0.1');
      const vastListing = files.find((f) => f.includes(`${path.sep}vastai${path.sep}`) && f.endsWith('-listInstances.json'));
      const record = JSON.parse(fs.readFileSync(vastListing ?? '', 'utf8')) as { request: { method: string; url: string }; response: { status: number; body: unknown } };
      expect(record.request.method).toBe('GET');
      expect(record.request.url).toContain('/api/v1/instances/');
      expect(record.response).toMatchObject({ status: 200, body: { instances: [], next_token: null } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('redactPayload', () => {
  it('replaces keys, tokens, SSH keys, e-mail and IP addresses, keeping the shape', () => {
    expect(
      redactPayload({ ssh_key: 'ssh-ed25519 AAAA me', email: 'a@b.c', public_ipaddr: '63.135.50.11', nested: [{ api_token: 'x', ssh_host: 'ssh2.vast.ai', local_ipaddrs: '10.0.0.5 172.17.0.2' }], n: 3, jupyter_token: 'abc' }),
    ).toEqual({
      ssh_key: '[redacted]',
      email: '[redacted]',
      public_ipaddr: '192.0.2.1',
      nested: [{ api_token: '[redacted]', ssh_host: 'ssh2.vast.ai', local_ipaddrs: '192.0.2.1 192.0.2.1' }],
      n: 3,
      jupyter_token: '[redacted]',
    });
  });
});
