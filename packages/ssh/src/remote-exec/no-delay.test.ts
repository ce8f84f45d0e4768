import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import ssh2 from 'ssh2';

import { generateSessionKeyPair, type SessionKeyPair } from '../keys/session-key-pair.js';
import { startFakeNode, type FakeNode } from '../test-support/fake-node.js';
import { NodeSshRemoteExec } from './node-ssh-remote-exec.js';

/**
 * The `noDelay` option exists only so the benchmark can measure what TCP no-delay saves; what
 * matters is that the default stays on and that `false` really reaches the socket. A spy on ssh2's
 * Client is the one place both are visible (the peer cannot observe Nagle's algorithm); it is a
 * plain wrapper, restored after each run, so no module is mocked.
 */
describe('NodeSshRemoteExec noDelay option', () => {
  let dir: string;
  let key: SessionKeyPair;
  let node: FakeNode;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpushop-nodelay-'));
    key = generateSessionKeyPair();
    node = await startFakeNode({ authorizedKeys: [key.publicKey], homeDir: dir, onExec: () => ({ stdout: 'ok\n', exitCode: 0 }) });
  });

  afterAll(async () => {
    await node.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs one command and returns what every setNoDelay call on an ssh2 Client asked for. */
  const run = async (remote: NodeSshRemoteExec): Promise<boolean[]> => {
    const prototype = ssh2.Client.prototype;
    const original = Object.getOwnPropertyDescriptor(prototype, 'setNoDelay');
    const seen: boolean[] = [];
    const realSetNoDelay = prototype.setNoDelay;
    prototype.setNoDelay = function (this: ssh2.Client, noDelay?: boolean) {
      seen.push(noDelay !== false);
      return realSetNoDelay.call(this, noDelay);
    };
    try {
      const result = await remote.exec({ host: node.host, port: node.port, user: 'root', privateKey: key.privateKey }, 'echo ok', { timeoutMs: 5000 });
      expect(result.ok).toBe(true);
    } finally {
      if (original) Object.defineProperty(prototype, 'setNoDelay', original);
    }
    return seen;
  };

  it('turns no-delay on by default (before connecting and once connected)', async () => {
    const calls = await run(new NodeSshRemoteExec({ closeGraceMs: 100 }));
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.every((on) => on)).toBe(true);
  });

  it('leaves Nagle on with noDelay: false, and the command still runs', async () => {
    const calls = await run(new NodeSshRemoteExec({ closeGraceMs: 100, noDelay: false }));
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.every((on) => !on)).toBe(true);
  });
});
