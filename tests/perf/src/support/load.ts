import http from 'node:http';

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/**
 * Closed-loop HTTP load: `concurrency` keep-alive connections each sending the next GET as soon as
 * the previous answer is fully read, for `durationMs`. node:http rather than fetch: fetch's own
 * per-request cost would be a large share of a cached answer and flatten any ratio towards 1.
 */
export async function closedLoop(url: string, options: { concurrency: number; durationMs: number; headers?: Record<string, string>; expectBytes?: number; expectStatus?: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const target = new URL(url);
  let requests = 0;
  let errors = 0;
  const start = performance.now();
  const stopAt = start + options.durationMs;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const req = http.get({ agent, host: target.hostname, port: target.port, path: target.pathname + target.search, headers: options.headers }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => {
          // A wrong status or a short body is an error, not a fast answer.
          if (res.statusCode === (options.expectStatus ?? 200) && (options.expectBytes === undefined || bytes === options.expectBytes)) requests++;
          else errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
    });
  const worker = async (): Promise<void> => {
    while (performance.now() < stopAt) await one();
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { requests, errors, seconds, perSecond: requests / seconds };
}

/** One GET with the bytes exactly as they came over the wire (no decoding). */
export async function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => http.get(url, { headers }, resolve).on('error', reject));
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
}
