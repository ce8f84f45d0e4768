import { findSku } from '../catalog/gpu-skus.js';
import { FaultRegistry } from '../faults/fault-registry.js';
import { Prng } from '../internal/prng.js';
import { vmMounts } from '../vendors/common.js';
import { FakeGpuNode, type FakeGpuNodeOptions } from '../node/fake-gpu-node.js';
import { generateSshKeyPair } from '../node/ssh-keys.js';

/**
 * A fake GPU node outside any vendor, for the node's own tests: two RTX 4090s, a VM disk, sshd up
 * from time 0, and a clock the test sets by hand (`clock.now`). (Compiled with the package but not exported.)
 */
export function makeTestNode(overrides: Partial<FakeGpuNodeOptions> = {}, clock = { now: 1_000_000 }): { node: FakeGpuNode; faults: FaultRegistry; clock: { now: number } } {
  const sku = findSku('RTX 4090');
  if (!sku) throw new Error('missing SKU');
  const faults = new FaultRegistry(1);
  const node = new FakeGpuNode({
    vendor: 'bluelobster',
    instanceId: 'vm-1',
    hostname: 'gpu-node-1',
    hostKey: generateSshKeyPair().privateKey,
    sku,
    gpuCount: 2,
    driver: { driverVersion: '560.35.05', cudaVersion: '12.6' },
    mounts: vmMounts(250, 18.2),
    users: ['ubuntu'],
    sshReadyAtMs: 0,
    upgradeUntilMs: null,
    faults,
    now: () => clock.now,
    rng: new Prng(1, 'node'),
    ...overrides,
  });
  return { node, faults, clock };
}
