import type http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What a handler answers: a JSON body, or raw text with its own content type. */
export interface HttpReply {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export function jsonReply(status: number, json: unknown, headers?: Readonly<Record<string, string>>): HttpReply {
  return headers ? { status, json, headers } : { status, json };
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError('request body over 10 MB'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses a JSON body; `undefined` for an empty one, an Error for invalid JSON. */
export function parseJsonBody(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    return err instanceof Error ? err : new Error('invalid JSON');
  }
}

export function replyText(reply: HttpReply): { body: string; contentType: string } {
  if (reply.text !== undefined) return { body: reply.text, contentType: reply.contentType ?? 'text/plain; charset=utf-8' };
  if (reply.json === undefined) return { body: '', contentType: reply.contentType ?? 'application/json' };
  return { body: JSON.stringify(reply.json), contentType: reply.contentType ?? 'application/json' };
}

export function sendReply(res: http.ServerResponse, reply: HttpReply): void {
  if (res.writableEnded || res.destroyed) return;
  const { body, contentType } = replyText(reply);
  res.writeHead(reply.status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...reply.headers });
  res.end(body);
}

/** The pieces a body is sent in at a bandwidth. */
export const PACED_PIECE_BYTES = 16 * 1024;

/**
 * Sends a reply at `bytesPerSecond`: the headers at once, then the body in 16 KB pieces, each
 * written when a link of that bandwidth would have carried it, so the last byte leaves after
 * size ÷ bandwidth. `wait` is the server's pause (released on close); `stopped` ends the send early.
 */
export async function sendReplyPaced(res: http.ServerResponse, reply: HttpReply, bytesPerSecond: number, wait: (ms: number) => Promise<void>, stopped: () => boolean): Promise<void> {
  if (res.writableEnded || res.destroyed) return;
  const { body, contentType } = replyText(reply);
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(reply.status, { 'Content-Type': contentType, 'Content-Length': bytes.length, ...reply.headers });
  const start = performance.now();
  for (let at = 0; at < bytes.length; at += PACED_PIECE_BYTES) {
    const end = Math.min(at + PACED_PIECE_BYTES, bytes.length);
    const due = start + (end / bytesPerSecond) * 1000 - performance.now();
    if (due > 0) await wait(due);
    if (stopped() || res.destroyed) return;
    res.write(bytes.subarray(at, end));
  }
  res.end();
}

/**
 * Starts a server on 127.0.0.1 and keeps track of its sockets, so `close()` never waits for a
 * keep-alive connection or a deliberately hung request.
 */
export async function listen(server: http.Server, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

export const GATEWAY_HTML: Readonly<Record<number, string>> = {
  502: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  503: '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  504: '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
};
