import { getEventListeners } from 'node:events';

import { abortableSleep } from './sleep.js';

/** Whether `promise` has settled once the event loop has turned: no timer of its own has fired by then. */
async function settledAtOnce(promise: Promise<void>): Promise<'resolved' | 'rejected' | 'pending'> {
  const pending = new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')));
  return Promise.race([promise.then(() => 'resolved' as const, () => 'rejected' as const), pending]);
}

describe('abortableSleep', () => {
  it('resolves after the wait and leaves no abort listener behind on the signal', async () => {
    const controller = new AbortController();
    await abortableSleep(1, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects as soon as the signal aborts during the wait', async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(3_600_000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toThrow('aborted');
  });

  it('rejects at once, without waiting, when the signal is aborted already', async () => {
    // Short enough that a wait wrongly started here ends soon after the test has failed.
    const sleeping = abortableSleep(2_000, AbortSignal.abort());
    expect(await settledAtOnce(sleeping)).toBe('rejected');
    await expect(sleeping).rejects.toThrow('aborted');
  });
});
