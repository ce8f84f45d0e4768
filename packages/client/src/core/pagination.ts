import { APIPromise } from './api-promise.js';
import { GpuShopperError } from './error.js';

/** Query fields every cursor-paginated list accepts. */
export interface CursorPageParams {
  /** Items per page (1–500). @default 100 (server side) */
  limit?: number;
  /** Where to start: the `next_cursor` of the previous page. */
  cursor?: string;
}

/** A list body with the API's cursor field. */
export interface CursorPageBody {
  /** The cursor of the next page, or `null` on the last page. */
  next_cursor: string | null;
}

/**
 * One page of a cursor-paginated list. Iterate it with `for await` to get every item of this page and
 * all the following ones (pages are fetched as needed), or walk pages with `hasNextPage()` /
 * `getNextPage()` / `iterPages()`.
 */
export class CursorPage<Item, Body extends CursorPageBody = CursorPageBody> implements AsyncIterable<Item> {
  /** The raw body of this page. */
  readonly body: Body;
  /** The items of this page. */
  readonly data: Item[];
  /** The cursor of the next page, or `null` on the last page. */
  readonly next_cursor: string | null;

  constructor(
    body: Body,
    data: Item[],
    private readonly cursor: string | undefined,
    private readonly fetchPage: (cursor: string) => Promise<CursorPage<Item, Body>>,
  ) {
    this.body = body;
    this.data = data;
    this.next_cursor = body.next_cursor;
  }

  /** Whether another page may follow (the last page can be empty when the total is a multiple of `limit`). */
  hasNextPage(): boolean {
    // A cursor equal to the one just used would loop forever; an empty page cannot point anywhere new.
    return this.next_cursor !== null && this.next_cursor !== this.cursor && this.data.length > 0;
  }

  /** Fetches the next page with the same query and request options. */
  async getNextPage(): Promise<CursorPage<Item, Body>> {
    if (!this.hasNextPage() || this.next_cursor === null) {
      throw new GpuShopperError('no next page: check hasNextPage() before calling getNextPage()');
    }
    return this.fetchPage(this.next_cursor);
  }

  /** This page, then every following page. */
  async *iterPages(): AsyncGenerator<CursorPage<Item, Body>, void, undefined> {
    yield this;
    let page = this.hasNextPage() ? await this.getNextPage() : undefined;
    while (page) {
      yield page;
      page = page.hasNextPage() ? await page.getNextPage() : undefined;
    }
  }

  /** Every item of this page and of all the following pages. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    for await (const page of this.iterPages()) {
      yield* page.data;
    }
  }
}

/**
 * What list methods return: await it for the first page, or iterate it directly with `for await` to
 * walk every item of every page.
 */
export class PagePromise<Page extends AsyncIterable<Item>, Item> extends APIPromise<Page> implements AsyncIterable<Item> {
  /** Every item of every page, starting with the first. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    const page = await this;
    yield* page;
  }
}
