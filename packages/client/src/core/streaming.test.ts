import { SSEDecoder, Stream, type ServerSentEvent } from './streaming.js';
import { sse } from '../testing/scripted-fetch.js';

function decodeAll(chunks: readonly string[]): ServerSentEvent[] {
  const decoder = new SSEDecoder();
  return [...chunks.flatMap((chunk) => decoder.decode(chunk)), ...decoder.end()];
}

const transportError = (cause: unknown) => new Error(`transport: ${String(cause)}`);

describe('SSEDecoder', () => {
  it('parses event names, ids and JSON data, skipping comments', () => {
    const events = decodeAll([': keep-alive\n\nid: ev_1\nevent: created\ndata: {"a":1}\n\n: keep-alive\n\nid: ev_2\nevent: status_changed\ndata: {"a":2}\n\n']);
    expect(events).toEqual([
      { event: 'created', data: '{"a":1}', id: 'ev_1' },
      { event: 'status_changed', data: '{"a":2}', id: 'ev_2' },
    ]);
  });

  it('joins multi-line data with newlines, and defaults the event name to message', () => {
    expect(decodeAll(['data: first\ndata:second\ndata:  indented\n\n'])).toEqual([{ event: 'message', data: 'first\nsecond\n indented', id: null }]);
  });

  it('keeps the last id for later events, and an empty data line still dispatches', () => {
    expect(decodeAll(['id: 7\ndata: a\n\ndata\n\n'])).toEqual([
      { event: 'message', data: 'a', id: '7' },
      { event: 'message', data: '', id: '7' },
    ]);
  });

  it('does not dispatch an event without data, and forgets its name', () => {
    expect(decodeAll(['event: ping\n\ndata: x\n\n'])).toEqual([{ event: 'message', data: 'x', id: null }]);
  });

  it('handles CRLF, CR and LF, even when a chunk ends between \\r and \\n', () => {
    const text = 'event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\revent: c\ndata: 3\n\n';
    const whole = decodeAll([text]);
    expect(whole.map((e) => `${e.event}=${e.data}`)).toEqual(['a=1', 'b=2', 'c=3']);
    // Feeding one character at a time splits every \r\n pair.
    expect(decodeAll([...text])).toEqual(whole);
  });

  it('drops a final event without its blank line, and strips a leading BOM', () => {
    expect(decodeAll(['\uFEFFdata: kept\n\ndata: lost'])).toEqual([{ event: 'message', data: 'kept', id: null }]);
  });

  it('ignores unknown fields and retry', () => {
    expect(decodeAll(['retry: 1000\nfoo: bar\ndata: x\n\n'])).toEqual([{ event: 'message', data: 'x', id: null }]);
  });
});

describe('Stream', () => {
  it('yields the JSON data of each event, across chunk boundaries', async () => {
    const controller = new AbortController();
    const response = sse(['id: 1\nevent: created\nda', 'ta: {"n":1}\n', '\n: ping\n\ndata: {"n":2}\n\n']);
    const items: unknown[] = [];
    for await (const item of Stream.fromSSEResponse<{ n: number }>(response, controller, controller.signal, transportError)) items.push(item);
    expect(items).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('rejects data that is not JSON with a GpuShopperError', async () => {
    const controller = new AbortController();
    const stream = Stream.fromSSEResponse(sse(['event: oops\ndata: not json\n\n']), controller, controller.signal, transportError);
    await expect((async () => {
      for await (const _ of stream) {
        // consume
      }
    })()).rejects.toThrow(/could not parse the data of a 'oops' event/);
  });

  it('closes the connection when the consumer breaks out, and can be iterated only once', async () => {
    let cancelled = false;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(encoder.encode('data: {"n":1}\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const controller = new AbortController();
    const stream = Stream.fromSSEResponse<{ n: number }>(new Response(body, { headers: { 'content-type': 'text/event-stream' } }), controller, controller.signal, transportError);
    for await (const item of stream) {
      expect(item).toEqual({ n: 1 });
      break;
    }
    expect(cancelled).toBe(true);
    expect(controller.signal.aborted).toBe(true);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/only once/);
  });

  it('ends quietly when its signal aborts mid-stream', async () => {
    const encoder = new TextEncoder();
    const controller = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(encoder.encode('data: {"n":1}\n\n'));
        // Like fetch: aborting the request errors the body.
        controller.signal.addEventListener('abort', () => c.error(new DOMException('aborted', 'AbortError')));
      },
    });
    const items: unknown[] = [];
    const stream = Stream.fromSSEResponse(new Response(body), controller, controller.signal, transportError);
    for await (const item of stream) {
      items.push(item);
      controller.abort();
    }
    expect(items).toEqual([{ n: 1 }]);
  });

  it('turns a lost connection into the transport error', async () => {
    const controller = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.error(new Error('socket reset'));
      },
    });
    const stream = Stream.fromSSEResponse(new Response(body), controller, controller.signal, transportError);
    await expect((async () => {
      for await (const _ of stream) {
        // consume
      }
    })()).rejects.toThrow('transport: Error: socket reset');
  });
});
