/** A body the server answered together with its `ETag`, kept to be revalidated instead of downloaded again. */
export interface CachedAnswer {
  readonly etag: string;
  readonly body: string;
}

/**
 * Where the client keeps validated answers of conditional requests (`inventory.list()`), by URL.
 * The server decides whether a kept body is still current (`304 Not Modified`), so a store can never
 * make the client serve stale data; it only saves the bytes. Implement it to share answers between
 * processes (the CLI keeps them in a file).
 */
export interface ValidatorCache {
  get(url: string): CachedAnswer | undefined;
  set(url: string, answer: CachedAnswer): void;
}

/** The default store: the last `maxEntries` answers of this client, in memory. */
export class MemoryValidatorCache implements ValidatorCache {
  private readonly entries = new Map<string, CachedAnswer>();

  constructor(private readonly maxEntries = 16) {}

  get(url: string): CachedAnswer | undefined {
    const answer = this.entries.get(url);
    if (answer) {
      this.entries.delete(url);
      this.entries.set(url, answer);
    }
    return answer;
  }

  set(url: string, answer: CachedAnswer): void {
    this.entries.delete(url);
    this.entries.set(url, answer);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }
}
