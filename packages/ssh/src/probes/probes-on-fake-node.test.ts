import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generateSessionKeyPair } from '../keys/session-key-pair.js';
import { NodeSshRemoteExec } from '../remote-exec/node-ssh-remote-exec.js';
import { startFakeNode, type FakeNode } from '../test-support/fake-node.js';
import { installFakeTools } from '../testing/fake-tools.js';
import { describeProbeScenarios, type ProbeNode } from '../test-support/probe-scenarios.js';

describe('probes end to end over SSH: in-process fake node', () => {
  let dir: string;
  let node: FakeNode;
  let probeNode: ProbeNode;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpushop-probes-fake-'));
    await installFakeTools(join(dir, 'bin'));
    await writeFile(join(dir, 'lock-frontend'), '');
    const key = generateSessionKeyPair();
    node = await startFakeNode({
      authorizedKeys: [key.publicKey],
      binDir: join(dir, 'bin'),
      homeDir: dir,
      env: { FAKE_GPU_STATE_FILE: join(dir, 'state.env'), FAKE_DMESG_FILE: join(dir, 'dmesg.txt') },
    });
    probeNode = {
      remote: new NodeSshRemoteExec({ closeGraceMs: 200 }),
      target: { host: node.host, port: node.port, user: 'root', privateKey: key.privateKey },
      hostKeyFingerprint: node.hostKeyFingerprint,
      stateFile: join(dir, 'state.env'),
      lockFile: join(dir, 'lock-frontend'),
      dmesgFile: join(dir, 'dmesg.txt'),
    };
  });

  afterAll(async () => {
    await node.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describeProbeScenarios(() => probeNode);
});
