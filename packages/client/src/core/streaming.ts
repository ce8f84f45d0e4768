import { GpuShopperError } from './error.js';

/** One Server-Sent Event as the `text/event-stream` format defines it. */
export interface ServerSentEvent {
  /** The `event:` field; `message` when the event named none. */
  event: string;
  /** The `data:` lines, joined with `\n`. */
  data: string;
  /** The last `id:` seen on the stream so far (it carries over to later events), or `null`. */
  id: string | null;
}

/**
 * An incremental `text/event-stream` parser (the WHATWG algorithm): feed it text as it arrives, in
 * chunks of any size, and it returns the events each chunk completes. Comments (`: keep-alive`) are
 * skipped; `retry:` is ignored because the SDK does not reconnect.
 */
export class SSEDecoder {
  private buffer = '';
  private data: string[] = [];
  private eventType = '';
  private lastEventId: string | null = null;
  private started = false;

  /** Feeds the next piece of text; returns the events it completes. */
  decode(chunk: string): ServerSentEvent[] {
    let text = this.buffer + chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const events: ServerSentEvent[] = [];
    let lineStart = 0;
    for (let i = 0; i < text.length; i++) {
      const char = text[i];
      if (char !== '\n' && char !== '\r') continue;
      // A chunk ending in \r may be the first half of \r\n: wait for the next chunk to decide.
      if (char === '\r' && i === text.length - 1) break;
      const line = text.slice(lineStart, i);
      if (char === '\r' && text[i + 1] === '\n') i++;
      lineStart = i + 1;
      const event = this.processLine(line);
      if (event) events.push(event);
    }
    this.buffer = text.slice(lineStart);
    return events;
  }

  /** The stream ended: a pending `\r` ends its line; an event without its blank line is dropped (per the spec). */
  end(): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    if (this.buffer.endsWith('\r')) {
      const event = this.processLine(this.buffer.slice(0, -1));
      if (event) events.push(event);
    }
    this.buffer = '';
    this.data = [];
    this.eventType = '';
    return events;
  }

  private processLine(line: string): ServerSentEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.eventType = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    if (this.data.length === 0) {
      this.eventType = '';
      return undefined;
    }
    const event: ServerSentEvent = { event: this.eventType === '' ? 'message' : this.eventType, data: this.data.join('\n'), id: this.lastEventId };
    this.data = [];
    this.eventType = '';
    return event;
  }
}

/**
 * Reads a fetch body as Server-Sent Events until it ends, or until `signal` aborts (which ends it
 * quietly). `controller` is aborted when the reader stops early, to close the connection.
 */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
  controller: AbortController,
  signal: AbortSignal,
  transportError: (cause: unknown) => Error,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const reader = body.getReader();
  const text = new TextDecoder();
  const sse = new SSEDecoder();
  let finished = false;
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal.aborted) return;
        throw transportError(error);
      }
      if (chunk.done) {
        finished = true;
        yield* sse.decode(text.decode());
        yield* sse.end();
        return;
      }
      yield* sse.decode(text.decode(chunk.value, { stream: true }));
    }
  } finally {
    // The consumer stopped early (break, throw, abort): close the connection instead of leaking it.
    if (!finished) {
      controller.abort();
      await reader.cancel().catch(() => undefined);
    }
    reader.releaseLock();
  }
}

/**
 * A stream of items parsed from Server-Sent Events. Iterate it once with `for await`; leave the loop
 * (`break`) or call `controller.abort()` to close the connection. An abort ends the iteration without
 * an error.
 */
export class Stream<Item> implements AsyncIterable<Item> {
  private consumed = false;

  constructor(
    private readonly iterate: () => AsyncIterator<Item>,
    /** Aborting it closes the connection and ends the iteration. */
    readonly controller: AbortController,
  ) {}

  /**
   * Builds a stream over a `text/event-stream` response whose events carry JSON in `data`; events
   * without data are skipped.
   */
  static fromSSEResponse<Item>(response: Response, controller: AbortController, signal: AbortSignal, transportError: (cause: unknown) => Error): Stream<Item> {
    async function* items(): AsyncGenerator<Item, void, undefined> {
      if (!response.body) return;
      for await (const event of readServerSentEvents(response.body, controller, signal, transportError)) {
        if (event.data === '') continue;
        let item: Item;
        try {
          item = JSON.parse(event.data) as Item;
        } catch (error) {
          throw new GpuShopperError(`could not parse the data of a '${event.event}' event as JSON: ${event.data.slice(0, 200)}`, { cause: error });
        }
        yield item;
      }
    }
    return new Stream(() => items(), controller);
  }

  /** Iterates the items; a stream can be iterated only once. */
  [Symbol.asyncIterator](): AsyncIterator<Item> {
    if (this.consumed) throw new GpuShopperError('a Stream can be iterated only once');
    this.consumed = true;
    return this.iterate();
  }
}
