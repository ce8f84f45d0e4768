import fs from 'node:fs';
import { readFile } from 'node:fs/promises';

import { GpuShopper } from '@gpu-shopper/client';
import { CHROMIUM, requireTools } from '@gpu-shopper/test-support';
import { type BrowserContext, type Page } from 'playwright-core';

import { ADMIN_TOKEN, startServer, type ServerProcess } from '../support/server-process.js';
import { SimulatorControlClient, waitFor } from '../support/simulator-control.js';
import { CONSOLE_INDEX, launchChromium, screenshot, seriousA11yViolations, type LaunchedBrowser } from './browser.js';

/**
 * The web console in a real browser (Debian's Chromium, driven by playwright-core) against the built
 * server in simulate mode. Without Chromium these tests skip loudly; under CI=true that is a failure.
 */
const describeBrowser = requireTools("the web console's browser tests (CHROMIUM_PATH overrides the path)", [CHROMIUM]) ? describe : describe.skip;

/** Everything the page asked for stays on the server's origin (no CDN, no external request), and no CSP violation. */
function watchPage(page: Page, origin: string) {
  const foreign: string[] = [];
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  // Errors the page logged itself (an invalid pattern attribute, a React warning…); failed loads are
  // the tests' own doing (a refused credential, a cut stream) and are checked where they happen.
  const consoleErrors: string[] = [];
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:')) foreign.push(url);
  });
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) cspViolations.push(msg.text());
    else if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) consoleErrors.push(msg.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { foreign, cspViolations, pageErrors, consoleErrors };
}

async function checkPage(page: Page, name: string, shots: string[]): Promise<void> {
  expect(await seriousA11yViolations(page)).toEqual([]);
  shots.push(await screenshot(page, name));
}

describeBrowser('web console in a browser (simulate mode, protected mode: a local browser needs no login)', () => {
  let server: ServerProcess;
  let launched: LaunchedBrowser;
  let context: BrowserContext;
  let page: Page;
  let watch: ReturnType<typeof watchPage>;
  const shots: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(CONSOLE_INDEX)) throw new Error(`the console is not built (${CONSOLE_INDEX} is missing): run \`pnpm build\` first`);
    server = await startServer({ adminToken: null });
    // Setup through the SDK from this process (loopback, no Origin): protected mode acts as admin.
    const admin = new GpuShopper({ baseURL: server.url, apiKey: null, maxRetries: 0 });
    await admin.consumers.create({ id: 'alice', name: 'Alice', monthly_budget: 50 });
    launched = await launchChromium();
    context = await launched.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await context.newPage();
    watch = watchPage(page, server.url);
  });

  afterAll(async () => {
    await context?.close();
    await launched?.close();
    await server?.dispose();
    if (shots.length > 0) process.stdout.write(`console screenshots:\n${shots.join('\n')}\n`);
  });

  it('filter to RTX 4090 → rent (worst case and budget shown) → key shown once → provisioning → running live → copy SSH → done → terminated → costs show it', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Inventory' }).waitFor();
    await page.getByText('Simulate mode: offers, instances and costs are simulated').waitFor();
    await page.getByText('admin (local, protected mode)').waitFor();
    await page.locator('table.offers tbody tr:not(.spacer)').first().waitFor();
    await checkPage(page, 'inventory', shots);

    await page.getByLabel('GPU', { exact: true }).fill('RTX 4090');
    // Filtering renders in one commit: once the first row is an RTX 4090, every rendered row is filtered.
    await page.locator('table.offers tbody tr:not(.spacer) td:nth-child(2)').first().filter({ hasText: 'RTX 4090' }).waitFor();
    const gpus = await page.locator('table.offers tbody tr:not(.spacer) td:nth-child(2)').allTextContents();
    expect(gpus.length).toBeGreaterThan(0);
    expect(gpus.every((g) => /RTX 4090/.test(g))).toBe(true);

    await page.locator('table.offers tbody tr:not(.spacer)').first().getByRole('button', { name: /^Rent / }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Consumer').selectOption('alice');
    await dialog.getByLabel('Hours reserved (1–12)').fill('2');
    await dialog.getByTestId('budget-left').filter({ hasText: '$50.00 of $50.00' }).waitFor();
    expect(await dialog.getByTestId('worst-case').textContent()).toMatch(/^\$\d+\.\d+$/);
    await checkPage(page, 'rent-dialog', shots);
    await dialog.getByRole('button', { name: /^Rent for up to / }).click();

    const key = page.getByRole('textbox', { name: 'SSH private key' });
    await key.waitFor();
    expect(await key.inputValue()).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download key' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^gpu-shopper-.+\.pem$/);
    expect(await readFile(await download.path(), 'utf8')).toBe(`${await key.inputValue()}\n`.replace(/\n\n$/, '\n'));
    await checkPage(page, 'private-key-once', shots);
    // The session page's event stream is cut at first (both attempts the SDK makes): the page says
    // so and reconnects by itself, without a reload.
    let streamRequests = 0;
    await page.route(/\/api\/v1\/sessions\/[^/]+\/events$/, (route) => (++streamRequests <= 2 ? route.abort('connectionreset') : route.continue()));
    await page.getByRole('button', { name: /I have saved it/ }).click();
    await page.waitForURL(/#\/sessions\/.+/);
    await page.getByText(/^Live updates: disconnected, reconnecting \(attempt 1;/).waitFor();
    const sessionId = decodeURIComponent(page.url().split('#/sessions/')[1] ?? '');
    expect(await page.content()).not.toContain('BEGIN OPENSSH PRIVATE KEY');

    // Live: the page is never reloaded; the event stream moves the status.
    await page.evaluate('globalThis.consoleMarker = 1');
    await page.getByTestId('session-status').filter({ hasText: 'running' }).waitFor({ timeout: 45_000 });
    await page.locator('.events li').filter({ hasText: '→ provisioning' }).waitFor();
    await page.locator('.events li').filter({ hasText: '→ running' }).waitFor();
    expect(await page.evaluate('globalThis.consoleMarker')).toBe(1);
    await page.getByText('Live updates: connected').waitFor();
    expect(streamRequests).toBeGreaterThanOrEqual(3);
    await checkPage(page, 'session-running', shots);

    const sshCommand = (await page.getByTestId('ssh-command').textContent()) ?? '';
    expect(sshCommand).toMatch(/^ssh /);
    await page.getByRole('button', { name: 'Copy SSH command' }).click();
    await page.getByText('Copied', { exact: true }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(sshCommand);

    // Extend asks first, then adds an hour to the reservation (2 h reserved: about 1h 59m left → 2h 59m).
    await page.getByRole('button', { name: 'Extend 1 hour' }).click();
    await page.getByRole('dialog', { name: 'Extend by one hour?' }).getByRole('button', { name: 'Extend' }).click();
    await page.getByTestId('reservation-left').filter({ hasText: /^2h 5\dm$/ }).waitFor();

    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await page.getByRole('dialog', { name: 'Finish this session?' }).getByRole('button', { name: 'Finish' }).click();
    await page.getByTestId('session-status').filter({ hasText: 'terminated' }).waitFor({ timeout: 45_000 });
    await page.getByText('Live updates: the session has ended').waitFor();
    expect(await page.evaluate('globalThis.consoleMarker')).toBe(1);
    const health = await new GpuShopper({ baseURL: server.url, apiKey: null }).health();
    const sim = new SimulatorControlClient(health.simulator?.control ?? '');
    // Ground truth: terminated means the vendor's instance is destroyed (verified before the status is written).
    expect(await sim.instancesOf(sessionId)).toEqual([expect.objectContaining({ state: 'destroyed' })]);

    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await page.getByRole('link', { name: sessionId }).waitFor();
    await checkPage(page, 'sessions', shots);

    await page.getByRole('link', { name: 'Costs' }).click();
    await page.getByTestId('session-count').filter({ hasText: /^1$/ }).waitFor();
    await page.getByRole('progressbar', { name: 'Alice budget used' }).waitFor();
    await checkPage(page, 'costs', shots);

    await page.getByRole('link', { name: 'Recommendations' }).click();
    await page.getByRole('heading', { name: 'Recommendations' }).waitFor();
    // No benchmark has run here: every live offer is listed as unmeasured, none is ranked by a guess.
    await page.getByLabel('Model').fill('meta-llama/Llama-3.1-8B-Instruct');
    await page.getByRole('button', { name: 'Rank offers' }).click();
    await page.getByRole('heading', { name: /^Unmeasured \(\d+\)$/ }).waitFor();
    await page.getByText('No live offer has a measurement for meta-llama/Llama-3.1-8B-Instruct.').waitFor();
    await checkPage(page, 'recommendations', shots);

    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('cell', { name: 'Alice', exact: true }).waitFor();
    await page.getByText('No recent provisioning failures.').waitFor();
    // The reconciler's findings: nothing is orphaned here (or no pass has run yet on this new server).
    await page.getByText(/^(No orphaned instance|No reconciliation pass yet)/).waitFor();
    await page.getByLabel('New consumer id').fill('carol');
    await page.getByLabel('Monthly budget ($, optional)').fill('20');
    await page.getByRole('button', { name: 'Create consumer' }).click();
    expect(await page.getByTestId('issued-key').textContent()).toMatch(/\S{20,}/);
    await page.getByRole('cell', { name: 'carol', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Hide it' }).click();
    expect(await page.getByTestId('issued-key').count()).toBe(0);
    // Keys: issue another (shown once), then revoke the first behind a confirmation.
    await page.getByRole('button', { name: 'New key for carol' }).click();
    expect(await page.getByTestId('issued-key').textContent()).toMatch(/\S{20,}/);
    await page.getByRole('button', { name: 'Hide it' }).click();
    const revoke = page.getByRole('button', { name: /^Revoke key .+ of carol$/ });
    await revoke.nth(1).waitFor();
    await revoke.first().click();
    await page.getByRole('dialog', { name: 'Revoke this API key?' }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('row').filter({ hasText: 'carol' }).getByText(/^revoked /).waitFor();
    expect(await revoke.count()).toBe(1);
    // After hiding: no screenshot keeps a credential.
    await checkPage(page, 'admin', shots);

    // Readable in dark mode too: the same checks with the system's dark colour scheme.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('link', { name: 'Inventory' }).click();
    await page.locator('table.offers tbody tr:not(.spacer)').first().waitFor();
    await checkPage(page, 'inventory-dark', shots);
    for (const [link, heading] of [
      ['Sessions', 'Sessions'],
      ['Costs', 'Costs'],
      ['Recommendations', 'Recommendations'],
      ['Admin', 'Admin'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page.getByText(/^Loading /).waitFor({ state: 'detached' });
      await checkPage(page, `${link.toLowerCase()}-dark`, shots);
    }

    // Keyboard: the first Tab reaches "Skip to content"; a Rent button opens its dialog with Enter,
    // focus moves into it, Escape closes it and focus returns to the button.
    await page.emulateMedia({ colorScheme: 'light' });
    // A fresh load, so that Tab starts from the top of the page (not after the last link clicked).
    await page.goto(`${server.url}/#/inventory`);
    await page.reload();
    const rentButton = page.locator('table.offers tbody tr:not(.spacer)').first().getByRole('button', { name: /^Rent / });
    await rentButton.waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Skip to content');
    await rentButton.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    expect(await page.evaluate<boolean>("document.querySelector('[role=dialog]').contains(document.activeElement)")).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await page.evaluate<string | null>("document.activeElement.getAttribute('aria-label')")).toBe(await rentButton.getAttribute('aria-label'));

    expect(watch.foreign).toEqual([]);
    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
  });
});

describeBrowser('web console with an admin token: sign-in, and a consumer sees only its own sessions', () => {
  let server: ServerProcess;
  let launched: LaunchedBrowser;
  const shots: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    launched = await launchChromium();
  });

  afterAll(async () => {
    await launched?.close();
    await server?.dispose();
    if (shots.length > 0) process.stdout.write(`console screenshots:\n${shots.join('\n')}\n`);
  });

  it("alice's key cannot see bob's session, in the list or by its address", async () => {
    const admin = new GpuShopper({ baseURL: server.url, apiKey: ADMIN_TOKEN, maxRetries: 0 });
    const aliceKey = (await admin.consumers.create({ id: 'alice' })).api_key;
    const bobKey = (await admin.consumers.create({ id: 'bob' })).api_key;
    const bob = new GpuShopper({ baseURL: server.url, apiKey: bobKey, maxRetries: 0 });
    const { offers } = await bob.inventory.list({ gpu: 'RTX4090', sort: 'price' });
    const bobs = (await bob.sessions.create({ consumer_id: 'bob', offer_id: offers[0]?.id ?? '', reservation_hours: 1 })).session;
    const alices = (await new GpuShopper({ baseURL: server.url, apiKey: aliceKey, maxRetries: 0 }).sessions.create({ consumer_id: 'alice', offer_id: offers[1]?.id ?? '', reservation_hours: 1 })).session;

    const context = await launched.browser.newContext();
    const page = await context.newPage();
    const watch = watchPage(page, server.url);
    const streamed: string[] = [];
    page.on('request', (req) => {
      const match = /\/api\/v1\/sessions\/([^/]+)\/events$/.exec(new URL(req.url()).pathname);
      if (match?.[1]) streamed.push(match[1]);
    });
    const aliceStream = page.waitForRequest((req) => req.url().endsWith(`/api/v1/sessions/${alices.id}/events`), { timeout: 30_000 });
    await page.goto(`${server.url}/#/sessions`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await checkPage(page, 'sign-in', shots);
    await page.getByLabel('Admin token or API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The server refused that credential.').waitFor();
    await page.getByLabel('Admin token or API key').fill(aliceKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('consumer alice').waitFor();
    await page.getByRole('link', { name: alices.id }).waitFor();
    expect(await page.getByRole('link', { name: bobs.id }).count()).toBe(0);
    // The list is live: it watches alice's live session over its event stream (and only hers), and
    // shows it running without a reload.
    await page.getByRole('row').filter({ hasText: alices.id }).getByText('running', { exact: true }).waitFor();
    await aliceStream;
    expect(streamed).not.toContain(bobs.id);
    // The admin page is not offered to a consumer.
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    // Her costs count her session only (bob's is not in them), with no per-consumer breakdown.
    await page.getByRole('link', { name: 'Costs' }).click();
    await page.getByTestId('session-count').filter({ hasText: /^1$/ }).waitFor();
    expect(await page.getByText('Per consumer', { exact: true }).count()).toBe(0);
    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await page.getByRole('link', { name: alices.id }).waitFor();
    // The key is kept for this tab only.
    expect(await page.evaluate("sessionStorage.getItem('gpu-shopper.credential')")).toBe(aliceKey);

    await page.goto(`${server.url}/#/sessions/${bobs.id}`);
    await page.getByRole('alert').filter({ hasText: /SESSION_NOT_FOUND|not found/i }).waitFor();
    expect(await page.content()).not.toContain(bobs.ssh_command ?? 'no-ssh-command');
    await checkPage(page, 'consumer-cannot-see-other-session', shots);
    expect(watch.foreign).toEqual([]);
    expect(watch.cspViolations).toEqual([]);
    await context.close();
    await admin.sessions.delete(bobs.id);
    await admin.sessions.delete(alices.id);
  });
});

describeBrowser('web console: spot (interruptible) offers and sessions in a browser (simulate mode)', () => {
  let server: ServerProcess;
  let launched: LaunchedBrowser;
  const shots: string[] = [];

  beforeAll(async () => {
    // Passes every second: an outbid is seen, handled and the session runs again within the test's wait.
    server = await startServer({ adminToken: null, env: { RECONCILIATION_INTERVAL: '1s', LIFECYCLE_CHECK_INTERVAL: '1s', INVENTORY_CACHE_TTL: '5s' } });
    await new GpuShopper({ baseURL: server.url, apiKey: null, maxRetries: 0 }).consumers.create({ id: 'alice', name: 'Alice', monthly_budget: 100 });
    launched = await launchChromium();
  });

  afterAll(async () => {
    await launched?.close();
    await server?.dispose();
    if (shots.length > 0) process.stdout.write(`console screenshots:\n${shots.join('\n')}\n`);
  });

  it('spot offers listed when asked and labelled with their minimum bid → rent with a maximum bid, reprovision when outbid → outbid → preempted and host changed, live → done', async () => {
    const admin = new GpuShopper({ baseURL: server.url, apiKey: null, maxRetries: 0 });
    const sim = new SimulatorControlClient((await admin.health()).simulator?.control ?? '');
    // A GPU with at least two spot offers, so a reprovision has somewhere to go.
    const { offers: spot } = await admin.inventory.list({ pricing: 'spot', provider: 'vastai', sort: 'price' });
    const counts = new Map<string, number>();
    for (const offer of spot.filter((o) => o.available)) counts.set(offer.gpu_name, (counts.get(offer.gpu_name) ?? 0) + 1);
    const gpu = [...counts.entries()].find(([, n]) => n >= 2)?.[0];
    if (!gpu) throw new Error('the simulator lists no GPU with two spot offers');

    const context = await launched.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const watch = watchPage(page, server.url);
    await page.goto(`${server.url}/#/inventory`);
    await page.locator('table.offers tbody tr:not(.spacer)').first().waitFor();
    // On-demand by default: no interruptible offer in the table.
    expect(await page.locator('table.offers .badge-spot').count()).toBe(0);

    // Spot: asked of the server, every offer labelled interruptible with its minimum bid.
    const asked = page.waitForRequest((req) => /\/api\/v1\/inventory\?.*pricing=spot/.test(req.url()));
    await page.getByLabel('Pricing').selectOption('spot');
    await asked;
    await page.locator('table.offers .badge-spot').first().waitFor();
    const pricing = await page.locator('table.offers tbody tr:not(.spacer) td:nth-child(5)').allTextContents();
    expect(pricing.length).toBeGreaterThan(0);
    expect(pricing.every((text) => /^interruptible \(spot\) · min bid \$\d+\.\d{4}\/h$/.test(text))).toBe(true);
    await checkPage(page, 'inventory-spot', shots);

    await page.getByLabel('GPU', { exact: true }).fill(gpu);
    const row = page.locator('table.offers tbody tr:not(.spacer)').filter({ hasText: gpu }).first();
    await row.waitFor();
    await row.getByRole('button', { name: /^Rent .*, interruptible \(spot\)$/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Consumer').selectOption('alice');
    // Proposed: the minimum bid plus the server's 10 % margin.
    expect(await dialog.getByTestId('bid-placed').textContent()).toMatch(/^Bid placed: \$\d+\.\d{4}\/h/);
    await dialog.getByLabel('Maximum bid (USD/h, disk not included)').fill('5');
    await dialog.getByLabel('When outbid').selectOption('reprovision');
    await checkPage(page, 'rent-dialog-spot', shots);
    await dialog.getByRole('button', { name: /^Rent for up to / }).click();
    await page.getByRole('textbox', { name: 'SSH private key' }).waitFor();
    await page.getByRole('button', { name: /I have saved it/ }).click();
    await page.waitForURL(/#\/sessions\/.+/);
    const sessionId = decodeURIComponent(page.url().split('#/sessions/')[1] ?? '');

    await page.getByTestId('session-status').filter({ hasText: 'running' }).waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('session-pricing').textContent()).toBe('interruptible (spot)');
    expect(await page.getByTestId('session-max-bid').textContent()).toBe('$5.0000/h');
    expect(await page.getByTestId('session-on-preempt').textContent()).toMatch(/^reprovision/);
    expect(await page.getByTestId('session-preemptions').textContent()).toBe('0');

    // Another tenant outbids it: the page shows the preemption and the move to another host, live.
    const [first] = (await sim.instancesOf(sessionId)).filter((i) => i.state === 'running');
    if (!first) throw new Error(`session ${sessionId} has no running instance at the simulator`);
    const outbid = await fetch(`${sim.url}/_sim/instances/vastai/${encodeURIComponent(first.id)}/outbid`, { method: 'POST' });
    expect(outbid.status).toBe(200);
    await page.locator('.events li.event-preempted').filter({ hasText: 'preempted (outbid by a higher bid)' }).waitFor({ timeout: 60_000 });
    await page.locator('.events li.event-host_changed').filter({ hasText: 'host changed' }).waitFor({ timeout: 90_000 });
    await page.getByTestId('session-preemptions').filter({ hasText: /^1$/ }).waitFor();
    await page.getByTestId('session-status').filter({ hasText: 'running' }).waitFor();
    await checkPage(page, 'session-spot-reprovisioned', shots);

    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await page.getByRole('row').filter({ hasText: sessionId }).locator('.badge-spot').filter({ hasText: 'spot · preempted 1×' }).waitFor();

    await admin.sessions.done(sessionId);
    // Both instances (the outbid one and its successor) destroyed at the vendor.
    await waitFor('both instances destroyed', async () => {
      const instances = await sim.instancesOf(sessionId);
      return instances.length === 2 && instances.every((i) => i.state === 'destroyed');
    }, 60_000);
    expect(watch.foreign).toEqual([]);
    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
    await context.close();
  });
});

