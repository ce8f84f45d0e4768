import type { CachedAnswer } from './validator-cache.js';
import type { APIRequest } from '../internal/request-options.js';

/** What a successful attempt hands to the parser: the response (body unread) and its context. */
export interface APIResponseProps {
  /** The response, body not yet read. */
  response: Response;
  /** The request as the resource described it. */
  request: APIRequest;
  /** For a conditional request answered `304 Not Modified`: the kept body it confirmed. */
  notModified?: CachedAnswer | undefined;
  /** The `x-request-id` header, or `null`. */
  requestID: string | null;
  /** Aborts the underlying fetch (a stream ends through it). */
  controller: AbortController;
  /** The fetch's combined signal (controller, timeout, caller's signal): aborted means "stop quietly" for a stream. */
  signal: AbortSignal;
  /**
   * Turns a failure while reading the body into the right SDK error (user abort, timeout or lost
   * connection), since only the attempt knows which of its signals fired.
   */
  transportError: (cause: unknown) => Error;
}

/** What `withResponse()` resolves to. */
export interface WithResponse<T> {
  /** The parsed body. */
  data: T;
  /** The raw response (its body already read for JSON endpoints). */
  response: Response;
  /** The server's request id (`x-request-id`), or `null`. */
  requestID: string | null;
}

/**
 * The promise every method returns: await it for the parsed body, or call `withResponse()` for the
 * body together with the raw `Response` and the request id, or `asResponse()` for the raw `Response`
 * alone (body unread). The request starts at once; the body is parsed on first use and only once.
 */
export class APIPromise<T> extends Promise<T> {
  private parsed: Promise<T> | undefined;

  constructor(
    private readonly responsePromise: Promise<APIResponseProps>,
    private readonly parseResponse: (props: APIResponseProps) => Promise<T>,
  ) {
    // The base promise is never observed: then/catch/finally below go through the parsed body.
    super((resolve) => {
      resolve(undefined as T);
    });
  }

  /** The raw `Response`, headers available and body unread; error statuses still reject. */
  asResponse(): Promise<Response> {
    return this.responsePromise.then((props) => props.response);
  }

  /** The parsed body with the raw `Response` and the request id. */
  async withResponse(): Promise<WithResponse<T>> {
    const [data, props] = await Promise.all([this.parse(), this.responsePromise]);
    return { data, response: props.response, requestID: props.requestID };
  }

  private parse(): Promise<T> {
    this.parsed ??= this.responsePromise.then((props) => this.parseResponse(props));
    return this.parsed;
  }

  override then<TResult1 = T, TResult2 = never>(
    onfulfilled?: ((value: T) => TResult1 | PromiseLike<TResult1>) | null,
    onrejected?: ((reason: unknown) => TResult2 | PromiseLike<TResult2>) | null,
  ): Promise<TResult1 | TResult2> {
    return this.parse().then(onfulfilled, onrejected);
  }

  override catch<TResult = never>(onrejected?: ((reason: unknown) => TResult | PromiseLike<TResult>) | null): Promise<T | TResult> {
    return this.parse().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.parse().finally(onfinally);
  }
}
