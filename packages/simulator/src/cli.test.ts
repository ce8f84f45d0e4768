import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { generateSshKeyPair } from './node/ssh-keys.js';
import { connectSsh, waitFor } from './testing/sim-client.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('standalone runner (built dist/cli.js)', () => {
  let child: ChildProcessWithoutNullStreams;
  let urls: Record<string, string>;

  beforeAll(async () => {
    // Given a fresh build (the built code runs on real Node's ESM loader, unlike jest's)
    const build = spawnSync('pnpm', ['build'], { cwd: packageDir, encoding: 'utf8' });
    expect(build.status).toBe(0);

    // When the runner starts
    child = spawn(process.execPath, ['dist/cli.js', '--seed', '7', '--boot-delay-ms', '100', '--catalog-size', '50', '--bluelobster-dpkg-lock-ms', '0'], { cwd: packageDir });
    const lines = createInterface({ input: child.stdout });
    const [firstLine] = (await once(lines, 'line')) as [string];
    lines.close();
    urls = JSON.parse(firstLine) as Record<string, string>;
    // A build on a loaded two-core machine can take a minute; this bounds a hang, it measures nothing.
  }, 180_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });

  it('prints the four base URLs as JSON on the first line and serves the control API', async () => {
    expect(Object.keys(urls)).toEqual(['vastai', 'tensordock', 'bluelobster', 'control']);
    expect(urls.vastai).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v0$/);
    const res = await fetch(`${urls.control}/_sim/instances`);
    expect(await res.json()).toEqual({ instances: [] });
  });

  it('serves SSH from the built code to node-ssh', async () => {
    const key = generateSshKeyPair('cli-test');
    const available = (await (await fetch(`${urls.control}/_sim/catalog`)).json()) as { offers: { vendor: string; vendorOfferId: string; variant: string; smiName: string }[] };
    const offer = available.offers.find((o) => o.vendor === 'bluelobster');
    if (!offer) throw new Error('no Blue Lobster offer');
    const launch = await fetch(`${urls.bluelobster}/instances/launch-instance`, {
      method: 'POST',
      headers: { 'X-API-Key': 'k', 'Content-Type': 'application/json' },
      body: JSON.stringify({ region: offer.variant, instance_type: offer.vendorOfferId, ssh_key: key.publicKey, name: 'shopper-cli' }),
    });
    const { vm_uuid: vmUuid } = (await launch.json()) as { vm_uuid: string };
    const port = await waitFor(async () => {
      const vm = (await (await fetch(`${urls.bluelobster}/instances/${vmUuid}`, { headers: { 'X-API-Key': 'k' } })).json()) as { ip_address: string | null; ssh_port: number };
      return vm.ip_address ? vm.ssh_port : undefined;
    });
    const ssh = await connectSsh('127.0.0.1', port, 'ubuntu', key.privateKey);
    expect((await ssh.execCommand('nvidia-smi --query-gpu=name --format=csv,noheader | head -1')).stdout).toBe(offer.smiName);
    ssh.dispose();
  });

  it('stops on SIGTERM and exits 0', async () => {
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
