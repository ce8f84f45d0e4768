import net from 'node:net';

/**
 * A TCP port that was free on 127.0.0.1 a moment ago. Only a moment: another process may bind it
 * before the caller does, so whoever starts a server on it must retry on EADDRINUSE (as
 * `ServerProcess.start` does).
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}
