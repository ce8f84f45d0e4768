import { randomBytes } from 'node:crypto';
import { readFile, stat, symlink, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { type GpuShopper } from '@gpu-shopper/client';
import { freePort, SEED_AUTOMATION_PATTERN, waitFor, type ServerProcess } from '@gpu-shopper/test-support';

import { CliWorld } from './test-support/cli-world.js';
import { CLI_BIN, jsonOf, runCli, runShell, type CliResult } from './test-support/run-cli.js';

const ADMIN_TOKEN = 'cli-e2e-admin-token-0123456789abcdef';

/** Every command of SEED.md's CLI Reference. */
const COMMANDS = [
  'inventory',
  'provision',
  'sessions list',
  'sessions get',
  'sessions done',
  'sessions extend',
  'sessions delete',
  'shutdown',
  'costs',
  'costs summary',
  'transfer upload',
  'transfer download',
  'cleanup-orphans',
];

interface SimInstance {
  vendor: string;
  id: string;
  label: string;
  state: string;
}

/**
 * The built `gpu-shopper` binary against the built server in simulate mode: every command in table
 * and JSON form, the automation pattern of SEED.md's tips through a real shell with jq, a 5 MB
 * round trip over SFTP, and the failure modes (exit codes, one-line errors, JSON errors).
 */
describe('gpu-shopper (built binary) against the built server in simulate mode', () => {
  let world: CliWorld;
  let server: ServerProcess;
  let admin: GpuShopper;
  let simControl: string;
  let work: string;
  let env: Readonly<Record<string, string>>;

  const cli = (args: string[], extra: { env?: Record<string, string>; input?: string; cwd?: string } = {}): Promise<CliResult> => world.cli(args, extra);
  const json = jsonOf;

  // Sessions that name an offer take a distinct one each (from the expensive end, so the cheap
  // ones stay for `--gpu`): the inventory is cached, and an offer rented once is gone.
  let spareOffers: string[] = [];
  const nextOffer = (): string => {
    const id = spareOffers.pop();
    if (!id) throw new Error('out of spare RTX 4090 offers');
    return id;
  };

  const simInstances = async (): Promise<SimInstance[]> => ((await (await fetch(`${simControl}/_sim/instances`)).json()) as { instances: SimInstance[] }).instances;

  beforeAll(async () => {
    world = await CliWorld.start('e2e', ADMIN_TOKEN);
    ({ server, admin, work, env } = world);
    const health = await server.health();
    if (!health.simulator) throw new Error('simulate mode must report the simulator control URL');
    simControl = health.simulator.control;
    const { offers } = await admin.inventory.list({ gpu: 'RTX4090', sort: 'price' });
    spareOffers = offers.filter((o) => o.available && o.provider === 'vastai').map((o) => o.id);
  });

  afterAll(async () => {
    await world?.dispose();
  });

  describe('help, topics and autocomplete', () => {
    it('lists the topics with their descriptions and every command', async () => {
      const result = await cli(['--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/TOPICS[\s\S]*costs\s+Shows what your GPU sessions cost/);
      expect(result.stdout).toMatch(/sessions\s+Lists, inspects, extends and stops your GPU sessions/);
      expect(result.stdout).toMatch(/transfer\s+Copies files to and from a running session/);
      for (const command of ['cleanup-orphans', 'inventory', 'provision', 'shutdown', 'autocomplete']) expect(result.stdout).toContain(command);
    });

    it.each(COMMANDS)('%s --help has a description, flags and examples, and the global flags', async (command) => {
      const result = await cli([...command.split(' '), '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('EXAMPLES');
      expect(result.stdout).toContain(`$ gpu-shopper ${command}`);
      expect(result.stdout).toMatch(/GLOBAL FLAGS[\s\S]*-o, --output=<option>[\s\S]*--server=<url>/);
    });

    it('prints topic help for `sessions`', async () => {
      const result = await cli(['sessions', '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/sessions done\s+Signals session completion/);
      expect(result.stdout).toMatch(/sessions extend\s+Extends a session reservation/);
    });

    it('offers shell autocompletion (bash and zsh)', async () => {
      const setup = await cli(['autocomplete', 'bash']);
      expect(setup.code).toBe(0);
      expect(setup.stdout).toContain('gpu-shopper autocomplete');
      const script = await cli(['autocomplete', 'script', 'zsh']);
      expect(script.code).toBe(0);
      expect(script.stdout).toMatch(/autocomplete/i);
    });
  });

  describe("SEED.md's spellings: long flags, global flags before the command, help, typos", () => {
    it('accepts --gpu-type / --consumer-id / --offer-id beside -g / -c / -i, and "RTX 4090" like RTX4090', async () => {
      const spaced = json<{ offers: { id: string }[] }>(await cli(['inventory', '--gpu-type', 'RTX 4090', '--min-vram', '24', '--max-price', '0.50', '-o', 'json']));
      const compact = json<{ offers: { id: string }[] }>(await cli(['inventory', '-g', 'RTX4090', '--min-vram', '24', '--max-price', '0.50', '-o', 'json']));
      expect(spaced.offers.length).toBeGreaterThan(0);
      expect(spaced.offers.map((o) => o.id)).toEqual(compact.offers.map((o) => o.id));

      const created = json<{ session: { id: string; consumer_id: string; offer_id: string; reservation_hours: number } }>(
        await cli(['provision', '--offer-id', spareOffers[0] ?? '', '--consumer-id', 'long-flags', '--hours', '2', '--workload-type', 'batch', '--dry-run', '-o', 'json']),
      );
      expect(created).toMatchObject({ offer: { id: spareOffers[0] }, reservation_hours: 2 });
      expect((await cli(['costs', '--consumer-id', 'long-flags'])).code).toBe(0);
      expect((await cli(['sessions', 'list', '--consumer-id', 'long-flags'])).code).toBe(0);
      expect((await cli(['costs', 'summary', '--consumer-id', 'long-flags'])).code).toBe(0);
    });

    it('takes --server and -o json before the command (and anywhere before --)', async () => {
      const before = await runCli(['--server', server.url, '-o', 'json', 'inventory', '-g', 'A100'], { env: { HOME: work, GPU_SHOPPER_API_KEY: ADMIN_TOKEN }, cwd: work });
      expect(before.code).toBe(0);
      expect(JSON.parse(before.stdout)).toMatchObject({ count: expect.any(Number) });
      const between = await cli(['sessions', '-o', 'json', 'list']);
      expect(JSON.parse(between.stdout)).toMatchObject({ sessions: expect.any(Array) });
    });

    it('`help`, `help sessions list` and a mistyped command behave like git', async () => {
      const help = await cli(['help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/TOPICS[\s\S]*sessions/);
      const sub = await cli(['help', 'sessions', 'list']);
      expect(sub.code).toBe(0);
      expect(sub.stdout).toContain('$ gpu-shopper sessions list');
      const typo = await cli(['invetory', '-g', 'A100']);
      expect(typo.code).toBe(2);
      expect(typo.stdout).toBe('');
      expect(typo.stderr).toBe(`Error: "invetory" is not a gpu-shopper command. Next: did you mean 'gpu-shopper inventory'? ('gpu-shopper help' lists every command).\n`);
      const nested = await cli(['sesions', 'list', '-o', 'json']);
      expect(nested.code).toBe(2);
      expect(JSON.parse(nested.stdout)).toMatchObject({ error: { code: 'USAGE', next_step: expect.stringContaining("'gpu-shopper sessions list'") } });
    });
  });

  it('costs right after provisioning count the running session up to now, with enough digits', async () => {
    const created = json<{ session: { id: string } }>(await cli(['provision', '-c', 'live-costs', '-i', nextOffer(), '-t', '1', '--wait', '-o', 'json']));
    // Wait until at least one billed second has passed (the report is up to now, not per tick).
    let body: { session_count: number; total_cost_micros: number; accruing_sessions: number; accruing_cost_micros: number } | undefined;
    const deadline = Date.now() + 30_000;
    while (!body || body.total_cost_micros === 0) {
      if (Date.now() > deadline) throw new Error(`no cost accrued: ${JSON.stringify(body)}`);
      body = json(await cli(['costs', '-c', 'live-costs', '-o', 'json']));
    }
    expect(body).toMatchObject({ session_count: 1, accruing_sessions: 1 });
    expect(body.accruing_cost_micros).toBeGreaterThan(0);
    const table = await cli(['costs', '--consumer-id', 'live-costs']);
    expect(table.stdout).toMatch(/Total Cost: \$0\.0\d*[1-9]\d*\n/);
    expect(table.stdout).toMatch(/Sessions:\s+1\n/);
    expect(table.stdout).toMatch(/Accruing:\s+\$0\.\d+ of it from 1 running session \(up to now\)/);
    await admin.sessions.delete(created.session.id);
  });

  describe('inventory', () => {
    it('prints the SEED.md table, filtered, cheapest first', async () => {
      const result = await cli(['inventory', '-g', 'RTX4090', '--max-price', '0.50', '-p', 'vastai']);
      expect(result.code).toBe(0);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^ID\s+PROVIDER\s+GPU\s+COUNT\s+VRAM\s+PRICE\/HR\s+LOCATION$/);
      const rows = lines.slice(1, lines.indexOf(''));
      expect(rows.length).toBeGreaterThan(0);
      const prices = rows.map((row) => {
        expect(row).toMatch(/^vastai-\S+\s+vastai\s+RTX 4090\s+\d+\s+24GB\s+\$\d+\.\d\d\s+\S/);
        return Number(/\$(\d+\.\d\d)/.exec(row)?.[1]);
      });
      expect(prices.every((p) => p <= 0.5)).toBe(true);
      expect([...prices].sort((a, b) => a - b)).toEqual(prices);
      expect(lines.at(-1)).toBe(`Total: ${rows.length} offer${rows.length === 1 ? '' : 's'}`);
      expect(result.stderr).toBe('');
    });

    it('prints {offers, count, providers} as the only thing on stdout with -o json', async () => {
      const body = json<{ offers: { id: string; gpu_type: string; price_per_hour: number }[]; count: number; providers: unknown[] }>(
        await cli(['inventory', '-g', 'RTX4090', '-o', 'json']),
      );
      expect(body.count).toBe(body.offers.length);
      expect(body.offers.every((o) => o.gpu_type === 'RTX 4090')).toBe(true);
      expect(body.providers.length).toBe(3);
    });

    it('--spot lists interruptible offers only, at their minimum bid, and says what that means; without it none are listed', async () => {
      const spot = json<{ offers: { id: string; provider: string; interruptible: boolean; min_bid: number | null; price_per_hour: number }[] }>(await cli(['inventory', '--spot', '-o', 'json']));
      expect(spot.offers.length).toBeGreaterThan(0);
      for (const offer of spot.offers) {
        expect(offer).toMatchObject({ provider: 'vastai', interruptible: true });
        expect(offer.id).toMatch(/^vastai-spot-\d+$/);
        expect(offer.price_per_hour).toBeGreaterThanOrEqual(offer.min_bid ?? Infinity);
      }
      const onDemand = json<{ offers: { interruptible: boolean }[] }>(await cli(['inventory', '-o', 'json']));
      expect(onDemand.offers.some((o) => o.interruptible)).toBe(false);
      const table = await cli(['inventory', '--spot', '-p', 'vastai']);
      expect(table.code).toBe(0);
      expect(table.stdout.trimEnd().split('\n').at(-1)).toBe('Interruptible (spot) offers are priced at their minimum bid; a higher bid from someone else can stop them.');
    });

    it('says so when nothing matches', async () => {
      const result = await cli(['inventory', '--max-price', '0', '-g', 'H100']);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe('No offers found matching criteria.');
    });
  });

  describe('provision', () => {
    it('--dry-run prints the chosen offer and the worst-case cost, and rents nothing', async () => {
      const before = (await simInstances()).length;
      const { offers } = await admin.inventory.list({ gpu: 'RTX4090', sort: 'price' });
      const cheapest = offers.find((o) => o.available) ?? offers[0];
      const table = await cli(['provision', '-c', 'dry', '-g', 'RTX4090', '-t', '3', '--dry-run']);
      expect(table.code).toBe(0);
      expect(table.stdout).toContain(`Auto-selected offer ${cheapest?.id}`);
      expect(table.stdout).toContain('Dry run: nothing was rented.');
      const worst = ((cheapest?.price_per_hour_micros ?? 0) * 3) / 1_000_000;
      expect(table.stdout).toContain(`Worst Case:  $${worst.toFixed(2)}`);
      const body = json(await cli(['provision', '-c', 'dry', '-i', cheapest?.id ?? '', '-t', '3', '--dry-run', '-o', 'json']));
      expect(body).toMatchObject({ dry_run: true, reservation_hours: 3, worst_case_cost: worst, offer: { id: cheapest?.id } });
      expect((await simInstances()).length).toBe(before);
      expect((await admin.sessions.list({ consumer_id: 'dry' })).data).toEqual([]);
    });

    it('--spot rents an interruptible offer with a bid and a preemption policy; --max-bid needs --spot, and under the minimum bid nothing is rented', async () => {
      const { offers } = await admin.inventory.list({ gpu: 'RTX4090', sort: 'price', pricing: 'spot' });
      const spot = offers.filter((o) => o.available && o.min_bid_micros !== null);
      const [dry, rented] = [spot[0], spot[spot.length - 1]];
      if (!dry || !rented || dry === rented) throw new Error('the simulator lists too few spot RTX 4090 offers');
      const storage = (dry.price_per_hour_micros - (dry.min_bid_micros ?? 0)) / 1_000_000;
      const body = json(await cli(['provision', '-c', 'spotter', '-i', dry.id, '-t', '2', '--spot', '--max-bid', '1.5', '--dry-run', '-o', 'json']));
      expect(body).toMatchObject({ dry_run: true, spot: true, worst_case_cost: Number(((1.5 + storage) * 2).toFixed(6)) });

      const usage = await cli(['provision', '-c', 'spotter', '-i', rented.id, '--max-bid', '0.5']);
      expect(usage.code).not.toBe(0);
      expect(usage.stderr).toContain('--spot');
      const under = await cli(['provision', '-c', 'spotter', '-i', rented.id, '--spot', '--max-bid', String(((rented.min_bid_micros ?? 0) - 1000) / 1_000_000)]);
      expect(under.code).not.toBe(0);
      expect(under.stderr).toContain('minimum bid');
      expect((await admin.sessions.list({ consumer_id: 'spotter' })).data).toEqual([]);

      const created = json<{ session: Record<string, unknown> }>(await cli(['provision', '-c', 'spotter', '-i', rented.id, '-t', '1', '--spot', '--on-preempt', 'reprovision', '-o', 'json']));
      expect(created.session).toMatchObject({ interruptible: true, on_preempt: 'reprovision', preemptions: 0 });
      expect(created.session['bid']).toBeGreaterThanOrEqual(rented.min_bid ?? Infinity);
      await admin.sessions.delete(String(created.session['id']));
    });

    it('--save-key writes the key with mode 0600, --wait reports progress on stderr, and an existing key file is never overwritten', async () => {
      const keyPath = path.join(work, 'keys', 'wait_key');
      await mkdir(path.dirname(keyPath), { recursive: true });
      const result = await cli(['provision', '-c', 'waiter', '-g', 'RTX4090', '-t', '1', '--save-key', keyPath, '--wait']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Auto-selected offer \S+ \(RTX 4090, \$\d+\.\d\d\/hr\)\nSession provisioned successfully!\n {2}Session ID: {2}ses_/);
      expect(result.stdout).toContain(`SSH private key saved to ${keyPath} (mode 0600).`);
      expect(result.stdout).not.toContain('PRIVATE KEY');
      expect(result.stdout).toMatch(/Session is running\. Connect with:\n {2}ssh -i \S+ -p \d+ root@127\.0\.0\.1/);
      // Progress: status transitions with elapsed time, on stderr only.
      expect(result.stderr).toMatch(/\[\s*\d+\.\ds\] (pending|provisioning)/);
      expect(result.stderr).toMatch(/\[\s*\d+\.\ds\] running/);
      const info = await stat(keyPath);
      expect(info.mode & 0o777).toBe(0o600);
      expect(await readFile(keyPath, 'utf8')).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);

      const sessionsBefore = (await admin.sessions.list({ consumer_id: 'waiter' })).data.length;
      const again = await cli(['provision', '-c', 'waiter', '-g', 'RTX4090', '--save-key', keyPath]);
      expect(again.code).toBe(2);
      expect(again.stderr.trim().split('\n')).toHaveLength(1);
      expect(again.stderr).toContain('already exists; refusing to overwrite it');
      expect((await admin.sessions.list({ consumer_id: 'waiter' })).data.length).toBe(sessionsBefore);
    });

    it('-o json prints only JSON on stdout (the key included), progress of --wait on stderr', async () => {
      const result = await cli(['provision', '-c', 'jsonist', '-g', 'RTX4090', '-t', '1', '-w', 'training', '--idle-timeout', '30', '--wait', '-o', 'json']);
      const body = json<{ session: { id: string; status: string; workload_type: string; idle_timeout: number }; ssh_private_key: string }>(result);
      expect(body.session).toMatchObject({ status: 'running', workload_type: 'training', idle_timeout: 30 });
      expect(body.ssh_private_key).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
      expect(result.stderr).toMatch(/running/);
    });

    it('without --save-key prints the key between the SEED.md markers', async () => {
      const result = await cli(['provision', '-c', 'markers', '-g', 'RTX4090', '-t', '1']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/SSH Private Key \(save this, shown only once\):\n---BEGIN---\n-----BEGIN OPENSSH PRIVATE KEY-----[\s\S]+-----END OPENSSH PRIVATE KEY-----\n---END---/);
      expect(result.stdout).toMatch(/Note: The session is (pending|provisioning)\. Check status with:\n {2}gpu-shopper sessions get ses_\w+/);
      // The SSH endpoint is not known before the instance is up: the output says how to get it.
      expect(result.stdout).toMatch(/SSH Connection:\n {2}\(not known yet: add --wait to wait for them, or see 'gpu-shopper sessions get ses_\w+' once it is running\)/);
      const asJson = await cli(['provision', '-c', 'markers', '-g', 'RTX4090', '-t', '1', '-o', 'json']);
      expect(JSON.parse(asJson.stdout)).toMatchObject({ session: { ssh_host: null } });
      expect(asJson.stderr).toMatch(/^Note: the SSH endpoint .* add --wait, or poll 'gpu-shopper sessions get ses_\w+ -o json'\.\n$/);
    });
  });

  // The first four tests read one running session; none changes its status, so each holds alone
  // and in any order (the stopping test provisions sessions of its own).
  describe('sessions, shutdown and costs', () => {
    let sessionId: string;

    beforeAll(async () => {
      const created = json<{ session: { id: string } }>(await cli(['provision', '-c', 'manager', '-i', nextOffer(), '-t', '2', '--wait', '-o', 'json']));
      sessionId = created.session.id;
    });

    it('sessions list: table and JSON, filtered by consumer and status', async () => {
      const table = await cli(['sessions', 'list', '-c', 'manager', '-s', 'running']);
      expect(table.code).toBe(0);
      const lines = table.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^ID\s+CONSUMER\s+PROVIDER\s+GPU\s+STATUS\s+PRICE\/HR\s+EXPIRES$/);
      expect(lines[1]).toMatch(new RegExp(`^${sessionId}\\s+manager\\s+\\w+\\s+RTX 4090\\s+running\\s+\\$\\d+\\.\\d\\d\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`));
      expect(lines.at(-1)).toBe('Total: 1 session');
      const body = json<{ sessions: { id: string }[]; count: number }>(await cli(['sessions', 'list', '-c', 'manager', '-o', 'json']));
      expect(body).toMatchObject({ count: 1, sessions: [{ id: sessionId }] });
    });

    it('sessions get: the key/value view with the SSH command, and the session object as JSON', async () => {
      const table = await cli(['sessions', 'get', sessionId]);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(new RegExp(`^Session ID:\\s+${sessionId}\\nConsumer ID:\\s+manager\\nProvider:`));
      expect(table.stdout).toMatch(/Workload Type: llm/);
      expect(table.stdout).toMatch(/SSH Connection:\n {2}ssh -p \d+ root@127\.0\.0\.1/);
      const body = json<{ id: string; status: string }>(await cli(['sessions', 'get', sessionId, '-o', 'json']));
      expect(body).toMatchObject({ id: sessionId, status: 'running' });
    });

    it('sessions extend: table and JSON', async () => {
      const before = await admin.sessions.retrieve(sessionId);
      const table = await cli(['sessions', 'extend', sessionId, '-t', '2']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(new RegExp(`^Session ${sessionId} extended by 2 hours\\.\\nNew expiration: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\n$`));
      const body = json<{ extended_by_hours: number; session: { expires_at: string } }>(await cli(['sessions', 'extend', sessionId, '-o', 'json']));
      expect(body.extended_by_hours).toBe(1);
      expect(Date.parse(body.session.expires_at) - Date.parse(before.expires_at)).toBe(3 * 3_600_000);
    });

    it('costs and costs summary: table and JSON', async () => {
      const table = await cli(['costs', '-c', 'manager', '-p', 'daily']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^Cost Summary\n============\nConsumer:\s+manager\nTotal Cost: \$\d+\.\d{2,6}\nSessions:\s+\d+\nHours Used: [\d.]+/);
      const body = json<{ consumer_id: string; total_cost: number; by_period: unknown[] }>(
        await cli(['costs', '-c', 'manager', '--start', '2026-01-01', '--end', '2099-12-31', '-o', 'json']),
      );
      expect(body).toMatchObject({ consumer_id: 'manager', start: '2026-01-01', end: '2099-12-31' });
      expect(typeof body.total_cost).toBe('number');
      const session = json<{ total_cost: number }>(await cli(['costs', '-s', sessionId, '-o', 'json']));
      expect(typeof session.total_cost).toBe('number');
      const summary = await cli(['costs', 'summary', '-c', 'manager']);
      expect(summary.code).toBe(0);
      expect(summary.stdout).toMatch(/^Monthly Cost Summary\n=+\n/);
      expect(json(await cli(['costs', 'summary', '-o', 'json']))).toMatchObject({ total_cost: expect.any(Number), by_provider: expect.any(Object) });
      const badDate = await cli(['costs', '--start', '2026-13-01']);
      expect(badDate.code).toBe(2);
    });

    it('sessions done, shutdown, shutdown --force and sessions delete stop sessions (table and JSON)', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(json<{ session: { id: string } }>(await cli(['provision', '-c', 'stopper', '-i', nextOffer(), '-t', '1', '-o', 'json'])).session.id);
      const [a, b, c, d, e] = ids as [string, string, string, string, string];
      const done = await cli(['sessions', 'done', a]);
      expect(done).toMatchObject({ code: 0, stdout: `Session ${a} shutdown initiated.\n` });
      const graceful = await cli(['shutdown', b]);
      expect(graceful).toMatchObject({ code: 0, stdout: `Session ${b} shutdown initiated.\nThe session will terminate gracefully.\n` });
      const forced = await cli(['shutdown', c, '--force', '-o', 'json']);
      expect(json<{ session: { id: string; status: string } }>(forced).session).toMatchObject({ id: c, status: expect.stringMatching(/stopping|terminated/) });
      const deleted = await cli(['sessions', 'delete', d]);
      expect(deleted.code).toBe(0);
      expect(deleted.stdout).toMatch(new RegExp(`^Session ${d} destroyed`));
      const doneJson = json<{ session: { id: string } }>(await cli(['sessions', 'done', e, '-o', 'json']));
      expect(doneJson.session.id).toBe(e);
      for (const id of ids) await waitFor(`${id} to terminate`, async () => (await admin.sessions.retrieve(id)).status === 'terminated', { intervalMs: 200 });
      const labels = (await simInstances()).filter((i) => ids.some((id) => i.label.endsWith(id) || i.label.endsWith(id.replace(/^ses_/, ''))));
      expect(labels.map((i) => i.state)).toEqual(['destroyed', 'destroyed', 'destroyed', 'destroyed', 'destroyed']);
      expect((await admin.sessions.retrieve(sessionId)).status).toBe('running');
    });
  });

  it("runs SEED.md's automation pattern as written, through bash and jq", async () => {
    const bin = path.join(work, 'bin');
    await mkdir(bin, { recursive: true });
    await symlink(CLI_BIN, path.join(bin, 'gpu-shopper')).catch(() => undefined);
    const script = `
${SEED_AUTOMATION_PATTERN.replace('# Run your workload...\n', '# Run your workload...\necho "workload on $SESSION_ID"\n')}
# Find the absolute cheapest available GPU
./bin/gpu-shopper inventory --max-price 0.30 -o json | jq -r '.offers[0].id'
`;
    const result = await runShell(script, { env, cwd: work, timeoutMs: 80_000 });
    expect(result.code).toBe(0);
    const id = /workload on (ses_\w+)/.exec(result.stdout)?.[1];
    expect(id).toBeDefined();
    expect(result.stdout).toContain(`Session ${id} shutdown initiated.`);
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/^(vastai|tensordock|bluelobster)-\S+$/);
    const session = await admin.sessions.retrieve(id ?? '');
    expect(['stopping', 'terminated']).toContain(session.status);
  });

  it('transfer upload then download round-trips a 5 MB file byte-identical through a simulated session', async () => {
    const keyPath = path.join(work, 'transfer_key');
    const created = json<{ session: { id: string } }>(await cli(['provision', '-c', 'mover', '-i', nextOffer(), '-t', '1', '--save-key', keyPath, '--wait', '-o', 'json']));
    const id = created.session.id;
    const original = randomBytes(5 * 1024 * 1024);
    const source = path.join(work, 'model.bin');
    await writeFile(source, original);

    const up = await cli(['transfer', 'upload', source, `${id}:/workspace/model.bin`, '-k', keyPath]);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(new RegExp(`^Uploaded ${source} to ${id}:/workspace/model\\.bin \\(5\\.0 MB in [\\d.]+s`));

    const target = path.join(work, 'model.copy.bin');
    const down = json<{ bytes: number; sha256: string; direction: string }>(
      await cli(['transfer', 'download', `${id}:/workspace/model.bin`, target, '-k', keyPath, '-t', '2m', '-o', 'json']),
    );
    expect(down).toMatchObject({ direction: 'download', bytes: original.length });
    expect(Buffer.compare(await readFile(target), original)).toBe(0);

    // A wrong key is refused by the instance: one line, the auth exit code.
    const wrongKey = path.join(work, 'wait_key_other');
    await cli(['provision', '-c', 'mover', '-i', nextOffer(), '-t', '1', '--save-key', wrongKey]);
    const refused = await cli(['transfer', 'download', `${id}:/workspace/model.bin`, target, '-k', wrongKey]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/^Error: SSH authentication failed.*Next: .*--save-key.*\n$/);

    const badSpec = await cli(['transfer', 'upload', source, '/workspace/x', '-k', keyPath]);
    expect(badSpec.code).toBe(2);
    expect(badSpec.stderr).toContain('<session-id>:<remote-path>');
    await admin.sessions.delete(id);
  });

  describe('failures: one line with the next step, and the documented exit code', () => {
    const expectOneLine = (result: CliResult, code: number, pattern: RegExp): void => {
      expect(result.code).toBe(code);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Error: .+ Next: .+\.$/);
      expect(lines[0]).toMatch(pattern);
    };

    it('a bad flag exits 2 (usage)', async () => {
      expectOneLine(await cli(['inventory', '--bogus']), 2, /Nonexistent flag: --bogus.*gpu-shopper inventory --help/);
      expectOneLine(await cli(['provision', '-c', 'x']), 2, /Exactly one of the following must be provided: --gpu, --offer/);
      expectOneLine(await cli(['provision', '-c', 'x', '-g', 'A100', '-t', '13']), 2, /--hours: Expected an integer less than or equal to 12/);
      expectOneLine(await cli(['inventory', '-o', 'yaml']), 2, /Expected --output=yaml to be one of: table, json/);
      expectOneLine(await cli(['sessions', 'get']), 2, /Missing 1 required arg/);
    });

    it('an unknown session id exits 3 (not found)', async () => {
      expectOneLine(await cli(['sessions', 'get', 'ses_doesnotexist']), 3, /session ses_doesnotexist not found.*gpu-shopper sessions list/);
      expectOneLine(await cli(['sessions', 'done', 'ses_doesnotexist']), 3, /not found/);
      expectOneLine(await cli(['provision', '-c', 'x', '-i', 'vastai-0', '--dry-run']), 3, /gpu-shopper inventory/);
    });

    it('an unreachable server exits 6', async () => {
      const port = await freePort();
      expectOneLine(await cli(['inventory', '--server', `http://127.0.0.1:${port}`]), 6, new RegExp(`cannot reach the GPU Shopper server at http://127\\.0\\.0\\.1:${port}.*ECONNREFUSED.*--server / GPU_SHOPPER_URL`));
      expectOneLine(await cli(['sessions', 'list'], { env: { GPU_SHOPPER_URL: `http://127.0.0.1:${port}` } }), 6, /cannot reach/);
    });

    it('wrong credentials exit 4 (auth)', async () => {
      expectOneLine(await cli(['sessions', 'list'], { env: { GPU_SHOPPER_API_KEY: 'not-a-key' } }), 4, /GPU_SHOPPER_API_KEY/);
    });

    it('a budget refusal exits 5', async () => {
      await admin.consumers.create({ id: 'frugal', monthly_budget: 0.01 });
      const before = (await simInstances()).length;
      expectOneLine(await cli(['provision', '-c', 'frugal', '-g', 'RTX4090', '-t', '12']), 5, /BUDGET|budget/);
      expect((await simInstances()).length).toBe(before);
    });

    it('the hard maximum refusal exits 5 and suggests fewer hours, not a bigger budget', async () => {
      const created = json<{ session: { id: string } }>(await cli(['provision', '-c', 'hardmax', '-i', nextOffer(), '-t', '12', '--wait', '-o', 'json']));
      expectOneLine(await cli(['sessions', 'extend', created.session.id, '-t', '1']), 5, /Next: ask for fewer hours \(--hours \/ -t\): no session runs past the hard maximum\.$/);
      await admin.sessions.delete(created.session.id);
    });

    it('under -o json, errors are JSON on stdout and nothing else', async () => {
      const notFound = await cli(['sessions', 'get', 'ses_doesnotexist', '-o', 'json']);
      expect(notFound.code).toBe(3);
      expect(JSON.parse(notFound.stdout)).toEqual({
        error: { code: 'SESSION_NOT_FOUND', message: expect.stringContaining('not found'), next_step: expect.any(String), exit_code: 3, request_id: expect.stringMatching(/^req_/) },
      });
      expect(notFound.stderr).toBe('');
      const usage = await cli(['inventory', '--bogus', '-o', 'json']);
      expect(usage.code).toBe(2);
      expect(JSON.parse(usage.stdout)).toMatchObject({ error: { code: 'USAGE', exit_code: 2 } });
    });
  });
});
