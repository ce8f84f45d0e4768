import { createServer, type AddressInfo, type Socket } from 'node:net';

/** A port nothing listens on right now (bound to 127.0.0.1:0, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * How a not-yet-ready node misbehaves at the TCP level:
 * - `reset`: accepts and drops the connection before any SSH banner (sshd still starting, proxies);
 * - `banner-then-close`: sends an OpenSSH banner, then hangs up mid-handshake (MaxStartups, restarts);
 * - `silent`: accepts and never says anything (a hung sshd, a SYN-accepting load balancer).
 */
export type Misbehaviour = 'reset' | 'banner-then-close' | 'silent';

export interface MisbehavingServer {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startMisbehavingServer(behaviour: Misbehaviour): Promise<MisbehavingServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (behaviour === 'reset') socket.resetAndDestroy();
    else if (behaviour === 'banner-then-close') socket.end('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
