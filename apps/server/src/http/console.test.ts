import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createAppHarness, request } from '../test-support/app-harness.js';
import { CONSOLE_CSP } from './console.js';

describe('the web console is served at / beside the API', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gpushop-console-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function build(): Promise<void> {
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/app-1.js"></script>');
    await writeFile(path.join(dir, 'assets', 'app-1.js'), 'console.log("console")');
  }

  it('serves the built page and its assets with a strict Content-Security-Policy (no inline script, connect-src self)', async () => {
    await build();
    const h = createAppHarness({ overrides: { consoleDir: dir } });
    const page = await request(h.app).get('/').expect(200);
    expect(page.text).toContain('/assets/app-1.js');
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
    expect(CONSOLE_CSP).toContain("connect-src 'self'");
    expect(page.headers['cache-control']).toBe('no-cache');
    const asset = await request(h.app).get('/assets/app-1.js').expect(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(h.logger.records.some((r) => r.message === 'serving the web console at /')).toBe(true);
  });

  it('the API is unaffected: /api/v1 still needs credentials, unknown paths and assets are 404 envelopes', async () => {
    await build();
    const h = createAppHarness({ overrides: { consoleDir: dir } });
    await request(h.app).get('/api/v1/inventory').expect(401);
    await request(h.app).get('/api/v1/inventory').set(h.admin).expect(200);
    const missing = await request(h.app).get('/assets/nope.js').expect(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    await request(h.app).get('/assets/../index.html').expect((res) => expect(res.text).not.toContain('console.log'));
  });

  it('without a build the server still answers /, with a page that says how to build the console, and logs it', async () => {
    const h = createAppHarness({ overrides: { consoleDir: path.join(dir, 'absent') } });
    const page = await request(h.app).get('/').expect(200);
    expect(page.text).toContain('not built');
    expect(page.text).toContain('pnpm build');
    expect(page.text).not.toContain('<script');
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(h.logger.records.some((r) => r.level === 'warn' && r.message.startsWith('the web console is not built'))).toBe(true);
    await request(h.app).get('/health').expect(200);
  });

  it('in protected mode the console is served to loopback names only, like the API', async () => {
    await build();
    const h = createAppHarness({ overrides: { consoleDir: dir, adminToken: undefined } });
    await request(h.app).get('/').set('Host', '127.0.0.1:8080').expect(200);
    await request(h.app).get('/').set('Host', 'attacker.example').expect(403);
    // The console's own same-origin requests carry a loopback Origin and act as the local admin.
    await request(h.app).get('/api/v1/consumers').set('Host', '127.0.0.1:8080').set('Origin', 'http://127.0.0.1:8080').expect(200);
  });

  it('no console directory configured: / stays a 404, as before', async () => {
    const h = createAppHarness();
    await request(h.app).get('/').expect(404);
  });
});
