import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type NodeSSH } from 'node-ssh';

import { type SimulatedOffer } from '../model.js';
import { type RunningSimulator } from '../simulator.js';
import { connectSsh, vendorRequest, waitFor } from '../testing/sim-client.js';
import { startTestSimulator } from '../testing/test-simulator.js';
import { generateSshKeyPair } from './ssh-keys.js';

describe('SSH into a simulated Vast instance with node-ssh', () => {
  let sim: RunningSimulator;
  let ssh: NodeSSH;
  let port: number;
  let offer: SimulatedOffer;
  let workDir: string;
  const sessionKey = generateSshKeyPair('session');
  const otherKey = generateSshKeyPair('someone-else');

  beforeAll(async () => {
    // Given a running instance whose session key was attached the Vast way
    sim = await startTestSimulator({ seed: 3 });
    const candidate = (await sim.control.catalog()).find((o) => o.vendor === 'vastai' && o.gpuCount > 1);
    if (!candidate) throw new Error('seed 3 has a multi-GPU Vast offer');
    offer = candidate;
    const created = await vendorRequest(sim, 'vastai', 'PUT', `/asks/${offer.vendorOfferId}/`, { body: { client_id: 'me', image: 'nvidia/cuda:12.6.3-runtime-ubuntu22.04', label: 'shopper-ssh', runtype: 'ssh_proxy' } });
    const id = (created.body as { new_contract: number }).new_contract;
    await vendorRequest(sim, 'vastai', 'POST', `/instances/${id}/ssh/`, { body: { ssh_key: `${sessionKey.publicKey}\n` } });
    port = await waitFor(async () => ((await vendorRequest(sim, 'vastai', 'GET', `/instances/${id}/`)).body as { instances: { ssh_port: number | null } }).instances.ssh_port);
    ssh = await waitFor(() => connectSsh('127.0.0.1', port, 'root', sessionKey.privateKey).catch(() => undefined));
    workDir = await mkdtemp(join(tmpdir(), 'sim-sftp-'));
  });

  afterAll(async () => {
    ssh.dispose();
    await sim.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it("runs nvidia-smi and gets the SKU's name and memory for every GPU", async () => {
    const result = await ssh.execCommand('nvidia-smi --query-gpu=name,memory.total --format=csv,noheader');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual(Array.from({ length: offer.gpuCount }, () => `${offer.smiName}, ${offer.vramMiB} MiB`));
  });

  it('refuses a key that was never installed, and users that do not exist', async () => {
    await expect(connectSsh('127.0.0.1', port, 'root', otherKey.privateKey)).rejects.toThrow(/All configured authentication methods failed/);
    await expect(connectSsh('127.0.0.1', port, 'ubuntu', sessionKey.privateKey)).rejects.toThrow(/All configured authentication methods failed/);
  });

  it('round-trips files over SFTP and shares them with the shell', async () => {
    const payload = Buffer.alloc(300_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) % 251;
    const local = join(workDir, 'payload.bin');
    await writeFile(local, payload);

    await ssh.putFile(local, '/root/run/payload.bin');
    expect((await ssh.execCommand('wc -c < payload.bin', { cwd: '/root/run' })).stdout).toBe(String(payload.length));
    await ssh.getFile(join(workDir, 'back.bin'), '/root/run/payload.bin');
    expect((await readFile(join(workDir, 'back.bin'))).equals(payload)).toBe(true);

    const sftp = await ssh.requestSFTP();
    try {
      await new Promise<void>((resolve, reject) => sftp.rename('/root/run/payload.bin', '/root/run/renamed.bin', (err) => (err ? reject(err) : resolve())));
      const names = await new Promise<string[]>((resolve, reject) => sftp.readdir('/root/run', (err, list) => (err ? reject(err) : resolve(list.map((e) => e.filename)))));
      expect(names).toEqual(['renamed.bin']);
      const stats = await new Promise<{ size: number; isFile(): boolean }>((resolve, reject) => sftp.stat('/root/run/renamed.bin', (err, s) => (err ? reject(err) : resolve(s))));
      expect([stats.size, stats.isFile()]).toEqual([payload.length, true]);
    } finally {
      sftp.end();
    }
    await expect(ssh.getFile(join(workDir, 'missing.bin'), '/root/run/nope.bin')).rejects.toThrow(/No such file/);
  });

  it('feeds stdin, reports exit codes and unknown commands', async () => {
    const written = await ssh.execCommand('cat > /tmp/note.txt && cat /tmp/note.txt', { stdin: 'hello from stdin\n' });
    expect(written.stdout).toBe('hello from stdin');
    expect(await ssh.execCommand('exit 3')).toMatchObject({ code: 3 });
    expect(await ssh.execCommand('ollama list')).toMatchObject({ code: 127, stderr: 'bash: line 1: ollama: command not found' });
    expect((await ssh.execCommand('df -BG / | tail -1')).stdout).toMatch(/^overlay +10G +5G +6G +42% \/$/);
  });

  it('gives an interactive shell', async () => {
    const channel = await ssh.requestShell();
    const output = await new Promise<string>((resolve) => {
      let text = '';
      channel.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('hello-shell')) resolve(text);
      });
      channel.write('echo hello-shell\n');
    });
    expect(output).toContain('root@C.');
    channel.write('exit\n');
    await new Promise((resolve) => channel.on('close', resolve));
  });
});
