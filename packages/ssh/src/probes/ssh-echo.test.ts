import { RemoteExecError } from '@gpu-shopper/core';
import { FakeRemoteExec } from '@gpu-shopper/core/testing';

import { probeEcho } from './ssh-echo.js';

const TARGET = { host: 'node-1', port: 22, user: 'root', privateKey: 'unused by the fake' };

describe('probeEcho', () => {
  it('is ok when `echo ok` prints ok', async () => {
    const result = await probeEcho(new FakeRemoteExec().on('echo ok', { stdout: 'ok\n' }), TARGET);
    expect(result.ok && result.val).toEqual({ ok: true, exitCode: 0, output: 'ok', hostKeyFingerprint: 'SHA256:fake-node-1' });
  });

  it('is not ok when something else answers (a login banner on stdout)', async () => {
    const result = await probeEcho(new FakeRemoteExec().on('echo ok', { stdout: 'Welcome to Ubuntu\nok\n' }), TARGET);
    expect(result.ok && result.val.ok).toBe(false);
  });

  it('passes connection failures through', async () => {
    const result = await probeEcho(new FakeRemoteExec().on('echo ok', new RemoteExecError('handshake', TARGET, 'reset')), TARGET);
    expect(!result.ok && result.err.retryable).toBe(true);
  });
});
