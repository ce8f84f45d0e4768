import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { startSimulator, type RunningSimulator } from '@gpu-shopper/simulator';

import { runCli, type CliResult } from './test-support/run-cli.js';

const KEYS = { vastai: 'vast-key-doctor-0123456789', tensordock: 'td-token-doctor-0123456789', bluelobster: 'bl-key-doctor-0123456789' } as const;

/** `gpu-shopper doctor` (the built binary) against the three simulated vendors, which accept only KEYS. */
describe('gpu-shopper doctor against the simulated vendors', () => {
  let sim: RunningSimulator;
  let work: string;
  let env: Record<string, string>;

  const cli = (args: string[], extra: Record<string, string> = {}): Promise<CliResult> => runCli(['doctor', ...args], { env: { HOME: work, ...env, ...extra }, cwd: work });

  beforeAll(async () => {
    sim = await startSimulator({ seed: 21, catalogSize: 60, acceptedKeys: KEYS });
    work = await mkdtemp(path.join(tmpdir(), 'gpushop-cli-doctor-'));
    env = {
      VASTAI_API_KEY: KEYS.vastai,
      VASTAI_BASE_URL: sim.urls.vastai,
      TENSORDOCK_AUTH_ID: 'td-auth-id',
      TENSORDOCK_API_TOKEN: KEYS.tensordock,
      TENSORDOCK_BASE_URL: sim.urls.tensordock,
      BLUELOBSTER_API_KEY: KEYS.bluelobster,
      BLUELOBSTER_BASE_URL: sim.urls.bluelobster,
    };
  });
  afterAll(async () => {
    await sim.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('prints the report for the three providers and exits 0', async () => {
    const result = await cli([]);
    expect(result.code).toBe(0);
    for (const provider of ['vastai: OK', 'tensordock: OK', 'bluelobster: OK']) expect(result.stdout).toContain(provider);
    expect(result.stdout).toMatch(/offers\s+\d+ parsed of \d+ received/);
    expect(result.stdout).toContain('100.00 USD');
    expect(result.stdout).toMatch(/clock skew\s+[+-]\d+\.\d s/);
    expect(result.stdout).toContain('All 3 provider(s) OK.');
    expect(await sim.control.instances()).toEqual([]);
  });

  it('with a wrong key names the provider, says "authentication failed" and exits non-zero', async () => {
    const result = await cli([], { TENSORDOCK_API_TOKEN: 'not-the-token' });
    expect(result.code).toBe(4);
    expect(result.stdout).toContain('tensordock: FAILED — tensordock: authentication failed (HTTP 401)');
    expect(result.stdout).toContain('vastai: OK');
    expect(result.stderr).toContain('tensordock: authentication failed');
    expect(result.stdout + result.stderr).not.toContain('not-the-token');
  });

  it('-o json prints the API report shape with the error inside', async () => {
    const result = await cli(['-p', 'vastai', '-o', 'json'], { VASTAI_API_KEY: 'wrong' });
    expect(result.code).toBe(4);
    const report = JSON.parse(result.stdout) as { providers: { provider: string; authenticated: boolean }[]; error: { code: string } };
    expect(report.providers).toEqual([expect.objectContaining({ provider: 'vastai', ok: false, authenticated: false })]);
    expect(report.error.code).toBe('PROVIDER_AUTH_FAILED');
  });

  it('records redacted request/response pairs with --record', async () => {
    const dir = path.join(work, 'recorded');
    const result = await cli(['-p', 'bluelobster', '--record', dir]);
    expect(result.code).toBe(0);
    const files = await readdir(path.join(dir, 'bluelobster'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const text = (await Promise.all(files.map((f) => readFile(path.join(dir, 'bluelobster', f), 'utf8')))).join('\n');
    expect(text).not.toContain(KEYS.bluelobster);
  });

  it('without any key says so (usage error)', async () => {
    const result = await runCli(['doctor'], { env: { HOME: work }, cwd: work });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no provider credentials found');
  });
});
