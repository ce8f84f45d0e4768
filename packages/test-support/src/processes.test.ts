import { spawn } from 'node:child_process';

import { runProcess } from './processes.js';
import { OwnedProcess } from './server-process.js';
import { waitFor } from './wait-for.js';

describe('processes', () => {
  it('runProcess feeds stdin, collects both streams and the exit code, and passes only the given environment', async () => {
    const result = await runProcess('sh', ['-c', 'read line; echo "got $line ${SECRET:-none} $ONLY"; echo oops >&2; exit 3'], { env: { PATH: process.env.PATH ?? '', ONLY: 'given' }, input: 'hello\n' });
    expect(result).toMatchObject({ code: 3, stdout: 'got hello none given\n', stderr: 'oops\n' });
  });

  it('OwnedProcess.stop ends a process that ignores SIGTERM, and keeps its complete lines', async () => {
    const child = spawn('sh', ['-c', 'trap "" TERM; echo ready; while :; do sleep 0.05; done'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const owned = new OwnedProcess(child, 'http://unused');
    await waitFor('the ready line', () => owned.logs.includes('ready'), { timeoutMs: 10_000, intervalMs: 10 });
    await owned.stop(200);
    expect(owned.running).toBe(false);
    expect(child.signalCode).toBe('SIGKILL');
  });

  it('waitFor returns the first value and names what it waited for when it gives up', async () => {
    let calls = 0;
    expect(await waitFor('the third call', () => (++calls === 3 ? calls : undefined), { intervalMs: 1 })).toBe(3);
    await expect(waitFor('a state that never comes', () => false, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow('timed out after 20 ms waiting for a state that never comes');
  });
});
