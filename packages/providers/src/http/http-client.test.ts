import { ProviderHttpClient, SINK_COVERED_WAIT_MS, parseRetryAfterMs, type ProviderCall } from './http-client.js';
import { TokenBucket } from './rate-limiter.js';
import { redactText, safeSnippet } from './redact.js';

const unlimited = new TokenBucket({ perSecond: 1000, burst: 1000 });

function client(fetchImpl: typeof fetch, overrides: Partial<ConstructorParameters<typeof ProviderHttpClient>[0]> = {}) {
  return new ProviderHttpClient({
    provider: 'vastai',
    baseUrl: 'https://vendor.test/api',
    rateLimiter: unlimited,
    secrets: ['super-secret-key'],
    fetch: fetchImpl,
    minBackoffMs: 1,
    maxBackoffMs: 2,
    ...overrides,
  });
}

describe('ProviderHttpClient', () => {
  describe('body sink', () => {
    /** A response whose body the test sends piece by piece. */
    function heldBody(status = 200) {
      let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
      const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
      const send = (text: string) => controller?.enqueue(new TextEncoder().encode(text));
      const end = () => controller?.close();
      const fetchImpl: typeof fetch = () => Promise.resolve(new Response(body, { status }));
      return { fetchImpl, send, end };
    }

    /** Waits (turn by turn, never for a time) until `condition` holds. */
    async function until(condition: () => boolean): Promise<void> {
      for (let turns = 0; !condition(); turns++) {
        if (turns > 10_000) throw new Error('condition never held');
        await new Promise((resolve) => setImmediate(resolve));
      }
    }

    /** A listing call whose body sink stands in for parsing: each piece keeps the thread busy `busyMs`. */
    function busySinkCall(busyMs: number, overrides: Partial<ConstructorParameters<typeof ProviderHttpClient>[0]> = {}) {
      const calls: ProviderCall[] = [];
      const { fetchImpl, send, end } = heldBody();
      const sink = { written: 0, lastWriteEnded: 0 };
      const sending = client(fetchImpl, { onCall: (call) => calls.push(call), ...overrides }).send({
        method: 'GET',
        path: '/x',
        operation: 'listOffers',
        idempotent: true,
        bodySink: () => ({
          write: () => {
            const start = performance.now();
            while (performance.now() - start < busyMs) {
              // The caller's parsing, standing in.
            }
            sink.written++;
            sink.lastWriteEnded = performance.now();
          },
        }),
      });
      return { calls, sending, send, end, sink };
    }

    it('receives each piece as it arrives, before the body is complete, and the response still has the whole text', async () => {
      const { fetchImpl, send, end } = heldBody();
      const pieces: string[] = [];
      const heads: number[] = [];
      const sending = client(fetchImpl).send({
        method: 'GET',
        path: '/x',
        operation: 'listOffers',
        idempotent: true,
        bodySink: ({ status }) => (heads.push(status), { write: (piece) => pieces.push(piece) }),
      });
      send('{"offers":[{"a":1},');
      await until(() => pieces.length === 1);
      expect(pieces).toEqual(['{"offers":[{"a":1},']);
      send('{"b":2}]}');
      end();
      const result = await sending;
      expect(heads).toEqual([200]);
      expect(pieces).toEqual(['{"offers":[{"a":1},', '{"b":2}]}']);
      expect(result.ok && result.val.text).toBe('{"offers":[{"a":1},{"b":2}]}');
      expect(result.ok && result.val.json).toEqual({ offers: [{ a: 1 }, { b: 2 }] });
    });

    it('decodes a character split between two pieces once, whole', async () => {
      const bytes = new TextEncoder().encode('"é✓"');
      const pieces: string[] = [];
      const fetchImpl: typeof fetch = () =>
        Promise.resolve(
          new Response(
            new ReadableStream<Uint8Array>({
              start: (c) => {
                for (const byte of bytes) c.enqueue(Uint8Array.of(byte));
                c.close();
              },
            }),
          ),
        );
      const result = await client(fetchImpl).send({ method: 'GET', path: '/x', operation: 'listOffers', idempotent: true, bodySink: () => ({ write: (piece) => pieces.push(piece) }) });
      expect(pieces.join('')).toBe('"é✓"');
      expect(result.ok && result.val.json).toBe('é✓');
    });

    it('leaves the sink\'s time out of the call\'s duration when the pieces were already there, and reports it apart', async () => {
      const busyMs = 50;
      // Every read counts as finding its piece already there, however loaded the machine.
      const { calls, sending, send, end } = busySinkCall(busyMs, { sinkCoveredWaitMs: 10_000 });
      send('[1,');
      send('2]');
      end();
      await sending;
      const [call] = calls;
      expect(call?.bodySinkMs).toBeGreaterThanOrEqual(busyMs);
      expect(call?.bodySinkCoveredMs).toBe(0);
      // Nothing else here takes anywhere near the sink's time.
      expect(call?.durationMs).toBeLessThan(busyMs);
    });

    it('keeps in the call\'s duration the sink\'s time the transfer covered (the next piece was still on its way)', async () => {
      const busyMs = 20;
      const { calls, sending, send, end, sink } = busySinkCall(busyMs);
      send('[1,');
      await until(() => sink.written === 1);
      // The vendor's next piece comes well after the sink is done with the first.
      await until(() => performance.now() - sink.lastWriteEnded > 5 * SINK_COVERED_WAIT_MS);
      // The last piece and the end of the body come together: nothing covers the work on it.
      send('2]');
      end();
      await sending;
      const [call] = calls;
      expect(call?.bodySinkMs).toBeGreaterThanOrEqual(2 * busyMs);
      // The first piece's work ran while the second was in transit; the last piece's did not.
      expect(call?.bodySinkCoveredMs).toBeGreaterThanOrEqual(busyMs);
      expect(call?.bodySinkCoveredMs).toBeLessThan(2 * busyMs);
      expect(call?.durationMs).toBeGreaterThanOrEqual(busyMs);
    });

    it('counts the work on pieces read without waiting as covered once a later read waits for the vendor', async () => {
      const busyMs = 10;
      const { calls, sending, send, end, sink } = busySinkCall(busyMs);
      // Two pieces at once (the second is read without waiting), then a pause, then the last with the end.
      send('[1,');
      send('2,');
      await until(() => sink.written === 2);
      await until(() => performance.now() - sink.lastWriteEnded > 5 * SINK_COVERED_WAIT_MS);
      send('3]');
      end();
      await sending;
      const [call] = calls;
      expect(call?.bodySinkCoveredMs).toBeGreaterThanOrEqual(2 * busyMs);
      expect(call?.bodySinkCoveredMs).toBeLessThan(3 * busyMs);
    });

    it('asks for a new sink on every attempt, with its status', async () => {
      let attempt = 0;
      const fetchImpl: typeof fetch = () => Promise.resolve(++attempt === 1 ? new Response('busy', { status: 503 }) : new Response('[1]', { status: 200 }));
      const sinks: { status: number; pieces: string[] }[] = [];
      const result = await client(fetchImpl).send({
        method: 'GET',
        path: '/x',
        operation: 'listOffers',
        idempotent: true,
        bodySink: ({ status }) => {
          const sink = { status, pieces: [] as string[] };
          sinks.push(sink);
          return { write: (piece) => sink.pieces.push(piece) };
        },
      });
      expect(result.ok && result.val.json).toEqual([1]);
      expect(sinks).toEqual([
        { status: 503, pieces: ['busy'] },
        { status: 200, pieces: ['[1]'] },
      ]);
    });

    it('stops feeding a sink that throws, and still answers with the whole body', async () => {
      const fetchImpl: typeof fetch = () =>
        Promise.resolve(
          new Response(
            new ReadableStream<Uint8Array>({
              start: (c) => {
                for (const piece of ['[1,', '2,', '3]']) c.enqueue(new TextEncoder().encode(piece));
                c.close();
              },
            }),
          ),
        );
      const seen: string[] = [];
      const result = await client(fetchImpl).send({
        method: 'GET',
        path: '/x',
        operation: 'listOffers',
        idempotent: true,
        bodySink: () => ({
          write: (piece) => {
            seen.push(piece);
            throw new Error('sink bug');
          },
        }),
      });
      expect(seen).toHaveLength(1);
      expect(result.ok && result.val.json).toEqual([1, 2, 3]);
    });

    it('refuses a streamed body over the size limit', async () => {
      const fetchImpl: typeof fetch = () => Promise.resolve(new Response('x'.repeat(100)));
      const result = await client(fetchImpl, { maxBodyBytes: 10, retries: 0 }).send({ method: 'GET', path: '/x', operation: 'listOffers', idempotent: true, bodySink: () => ({ write: () => undefined }) });
      expect(!result.ok && result.err.message).toContain('BODY_TOO_LARGE');
    });
  });

  it('times out a hanging read, retries it, and reports the provider unavailable', async () => {
    let calls = 0;
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => {
        calls++;
        init?.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
      });
    const result = await client(hanging, { timeoutMs: 20, retries: 2 }).send({ method: 'GET', path: '/x', operation: 'listOffers', idempotent: true });
    expect(!result.ok && result.err.code).toBe('PROVIDER_UNAVAILABLE');
    expect(!result.ok && result.err.message).toContain('no response within 20 ms');
    expect(calls).toBe(3);
  });

  it('times out a hanging create once and reports an unknown outcome', async () => {
    let calls = 0;
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => {
        calls++;
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      });
    const result = await client(hanging, { timeoutMs: 20 }).send({ method: 'PUT', path: '/asks/1/', operation: 'createInstance', idempotent: false, body: {} });
    expect(!result.ok && result.err.code).toBe('PROVIDER_UNKNOWN_OUTCOME');
    expect(calls).toBe(1);
  });

  it("stops at once when the caller cancels, without retrying", async () => {
    let calls = 0;
    const controller = new AbortController();
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => {
        calls++;
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
        controller.abort();
      });
    const result = await client(hanging).send({ method: 'GET', path: '/x', operation: 'listOffers', idempotent: true, signal: controller.signal });
    expect(result.ok).toBe(false);
    expect(calls).toBe(1);
  });

  it('does not wait for a Retry-After longer than the limit: the rate-limit error goes to the caller', async () => {
    let calls = 0;
    const limited: typeof fetch = () => {
      calls++;
      return Promise.resolve(new Response('slow down', { status: 429, headers: { 'retry-after': '120' } }));
    };
    const result = await client(limited).send({ method: 'GET', path: '/x', operation: 'listOffers', idempotent: true });
    expect(!result.ok && result.err).toMatchObject({ code: 'PROVIDER_RATE_LIMITED', retryAfterMs: 120_000 });
    expect(calls).toBe(1);
  });

  it('refuses bodies over the size limit', async () => {
    const huge: typeof fetch = () => Promise.resolve(new Response('x'.repeat(2048), { status: 200 }));
    const result = await client(huge, { maxBodyBytes: 1024, retries: 0 }).send({ method: 'GET', path: '/x', operation: 'listOffers', idempotent: true });
    expect(!result.ok && result.err.code).toBe('PROVIDER_UNAVAILABLE');
  });

  it('reports every attempt to the call observer (metrics) without credentials in the URL', async () => {
    const calls: unknown[] = [];
    const ok: typeof fetch = () => Promise.resolve(new Response('{}', { status: 200 }));
    await client(ok, { onCall: (call) => calls.push(call) }).send({ method: 'GET', path: '/x', query: { api_key: 'super-secret-key' }, operation: 'listOffers', idempotent: true });
    expect(calls).toEqual([expect.objectContaining({ provider: 'vastai', operation: 'listOffers', status: 200 })]);
  });
});

describe('parseRetryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('2')).toBe(2000);
    expect(parseRetryAfterMs('0.5')).toBe(500);
    expect(parseRetryAfterMs('Wed, 21 Oct 2026 07:28:05 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(5000);
    expect(parseRetryAfterMs(null)).toBeNull();
    expect(parseRetryAfterMs('soon')).toBeNull();
  });
});

describe('TokenBucket', () => {
  it('lets a burst through, then spaces calls at the configured rate', async () => {
    let now = 0;
    const waits: number[] = [];
    const bucket = new TokenBucket({
      perSecond: 4,
      burst: 2,
      nowMs: () => now,
      sleep: (ms) => {
        waits.push(ms);
        now += ms;
        return Promise.resolve();
      },
    });
    for (let i = 0; i < 4; i++) await bucket.acquire();
    expect(waits).toEqual([250, 250]);
    expect(now).toBe(500);
  });

  it('calls that change state go before queued reads; each class keeps its order; an aborted waiter leaves the queue', async () => {
    let now = 0;
    const bucket = new TokenBucket({ perSecond: 1, burst: 1, nowMs: () => now, sleep: (ms) => ((now += ms), new Promise((resolve) => setImmediate(resolve))) });
    const order: string[] = [];
    const take = (name: string, priority: 'first' | 'normal', signal?: AbortSignal) =>
      bucket.acquire(signal, priority).then(
        () => void order.push(name),
        () => void order.push(`${name} aborted`),
      );
    const abort = new AbortController();
    const all = [take('read 1', 'normal'), take('read 2', 'normal'), take('read 3', 'normal', abort.signal), take('create 1', 'first'), take('create 2', 'first')];
    abort.abort();
    await Promise.all(all);
    expect(order).toEqual(['read 1', 'read 3 aborted', 'create 1', 'create 2', 'read 2']);
  });
});

describe('TokenBucket: the quiet moment after a call that changes state', () => {
  /** A clock that moves only when the test says; sleepers wake when it passes their deadline or their signal aborts. */
  function manualTime() {
    const time = { now: 0, sleepers: [] as { until: number; wake: () => void }[] };
    const sleep = (ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        const sleeper = { until: time.now + ms, wake: resolve };
        time.sleepers.push(sleeper);
        signal?.addEventListener('abort', () => {
          time.sleepers.splice(time.sleepers.indexOf(sleeper), 1);
          reject(new Error('aborted'));
        });
      });
    const advance = (ms: number) => {
      time.now += ms;
      for (const s of time.sleepers.filter((x) => x.until <= time.now)) {
        time.sleepers.splice(time.sleepers.indexOf(s), 1);
        s.wake();
      }
    };
    return { time, sleep, advance };
  }

  it('a read waits two refill intervals after a create even with tokens left, and a create arriving meanwhile goes at once', async () => {
    const { time, sleep, advance } = manualTime();
    const bucket = new TokenBucket({ perSecond: 4, burst: 3, nowMs: () => time.now, sleep });
    const order: string[] = [];
    const take = (name: string, priority: 'first' | 'normal') => bucket.acquire(undefined, priority).then(() => void order.push(`${name}@${time.now}`));
    await take('create 1', 'first');
    const read = take('read', 'normal');
    for (let i = 0; i < 100 && time.sleepers.length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(time.sleepers[0]?.until).toBe(500);
    await take('create 2', 'first');
    expect(order).toEqual(['create 1@0', 'create 2@0']);
    advance(499);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toHaveLength(2);
    advance(1);
    await read;
    expect(order).toEqual(['create 1@0', 'create 2@0', 'read@500']);
  });

  it('quietMs 0: a read takes a token that is there at once', async () => {
    const { time, sleep } = manualTime();
    const bucket = new TokenBucket({ perSecond: 4, burst: 3, nowMs: () => time.now, sleep, quietMs: 0 });
    await bucket.acquire(undefined, 'first');
    await bucket.acquire(undefined, 'normal');
    expect(time.now).toBe(0);
  });
});

describe('redaction', () => {
  it('removes credentials in query strings, bearer headers, JSON ssh keys and known secret values', () => {
    const text = 'GET /locations?api_key=AUTH123&api_token=TOK456 Authorization: Bearer abc.def {"ssh_key":"ssh-ed25519 AAAA x"} super-secret-key';
    const out = redactText(text, ['super-secret-key']);
    for (const secret of ['AUTH123', 'TOK456', 'abc.def', 'AAAA', 'super-secret-key']) expect(out).not.toContain(secret);
  });

  it('makes one short line for messages', () => {
    expect(safeSnippet('a\nb\n\nc', [], 3)).toBe('a b…');
  });
});
