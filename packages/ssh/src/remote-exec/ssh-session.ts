import { type Client } from 'ssh2';

/** One authenticated SSH connection, used for a single port call. */
export class SshSession {
  /** The first error ssh2 reported after `ready` (a later socket reset, say). */
  lateError: unknown = undefined;
  closed = false;

  constructor(
    readonly client: Client,
    readonly hostKeyFingerprint: string | null,
  ) {
    // node-ssh removes its own 'error' listener once connected: without this one, a reset after
    // 'ready' would be an unhandled 'error' event and crash the process.
    client.on('error', (error: unknown) => {
      this.lateError ??= error;
    });
    client.on('close', () => {
      this.closed = true;
    });
  }

  /** Ends the connection politely; destroys the socket if the peer does not finish in time. */
  close(graceMs: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.client.destroy();
        resolve();
      }, graceMs);
      this.client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.end();
    });
  }
}
