import { GpuShopper } from '@gpu-shopper/client';
import { CHROMIUM, requireTools } from '@gpu-shopper/test-support';
import { startSimulator, type RunningSimulator } from '@gpu-shopper/simulator';

import { startServer, type ServerProcess } from '../support/server-process.js';
import { launchChromium, screenshot, seriousA11yViolations, type LaunchedBrowser } from './browser.js';

/**
 * The admin page shows the orphans the reconciler finds: an instance with this deployment's label
 * and no session (what a crash between the vendor's create and the database write leaves) appears
 * with its grace period counting down, then among the destroyed, and the vendor confirms it gone.
 */
const describeBrowser = requireTools("the console's orphan view test (CHROMIUM_PATH overrides the path)", [CHROMIUM]) ? describe : describe.skip;

const LOST_SESSION = 'ses_01M96ZZZZZZZZZZZZZZZZZLOST';

describeBrowser('console admin: orphans found by reconciliation (simulate mode)', () => {
  let sim: RunningSimulator;
  let server: ServerProcess;
  let launched: LaunchedBrowser;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, catalogSize: 60, bootDelayMs: 200 });
    server = await startServer({ adminToken: null, env: { SIMULATOR_URL: sim.urls.control, RECONCILIATION_INTERVAL: '1s', ORPHAN_GRACE_PERIOD: '20s' } });
    launched = await launchChromium();
  });

  afterAll(async () => {
    await launched?.close();
    await server?.dispose();
    await sim?.stop();
  });

  it('an instance with our label and no session is listed with its grace period, then as destroyed', async () => {
    const { deployment_id } = await new GpuShopper({ baseURL: server.url, apiKey: null, maxRetries: 0 }).health();
    const offer = (await sim.control.catalog()).find((o) => o.vendor === 'vastai' && o.available);
    if (!offer) throw new Error('no Vast offer in the simulated catalogue');
    // Created at the vendor directly, as if the server had crashed before recording the session.
    const created = await fetch(`${sim.urls.vastai}/asks/${offer.vendorOfferId}/`, {
      method: 'PUT',
      headers: { Authorization: 'Bearer 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_id: 'me', image: 'nvidia/cuda:12.6.3-runtime-ubuntu22.04', disk: 20, runtype: 'ssh', label: `gpushop-${deployment_id}-${LOST_SESSION}` }),
    });
    expect(created.status).toBe(200);
    const instanceId = String(((await created.json()) as { new_contract: number }).new_contract);

    const context = await launched.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/#/admin`);
    const row = page.getByRole('row').filter({ hasText: `vastai ${instanceId}` });
    try {
      await row.getByText(/^destroyed in \d+s \(grace period\)$/).waitFor({ timeout: 30_000 });
    } catch (error) {
      await screenshot(page, 'admin-orphan-failed');
      process.stdout.write(`reconciliation: ${JSON.stringify(await new GpuShopper({ baseURL: server.url, apiKey: null }).reconciliation.retrieve())}\n${server.logs.filter((l) => /reconcil|orphan/i.test(l)).slice(-5).join('\n')}\n`);
      throw error;
    }
    await row.getByRole('cell', { name: /^no session/ }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'admin-orphan');

    // After the grace period the reconciler destroys it; the page shows it among the destroyed.
    await page.getByRole('heading', { name: 'Destroyed lately' }).waitFor({ timeout: 60_000 });
    await page.getByRole('listitem').filter({ hasText: `vastai ${instanceId}` }).filter({ hasText: /destroyed \d/ }).waitFor();
    expect(await page.getByRole('row').filter({ hasText: `vastai ${instanceId}` }).count()).toBe(0);
    expect((await sim.control.instances()).find((i) => i.id === instanceId)).toMatchObject({ state: 'destroyed' });
    await context.close();
  }, 120_000);
});
