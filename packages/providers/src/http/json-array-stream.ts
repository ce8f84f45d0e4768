import { type BodySink } from './http-client.js';

const enum State {
  Prefix,
  Items,
  Suffix,
  Done,
  Failed,
}

const enum Expect {
  ItemOrEnd,
  Item,
  SeparatorOrEnd,
}

/** The longest opening (`{ "key": [`) waited for; a body that has not shown it by then is not of the shape. */
const MAX_PREFIX = 256;
/** Ends of a run tried per piece, from the last `}` backwards (one, unless an item nests objects). */
const ATTEMPTS_PER_PIECE = 3;
/** Text waited on without finding a run that parses: no item is this long, so the body is not of the shape. */
const MAX_UNPARSED = 512 * 1024;

const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/**
 * Parses a body of the shape `{"<key>": [ {…}, {…}, … ]}` while it arrives: each piece hands the
 * complete objects of the list received so far to `onItems`, through one `JSON.parse` of the run
 * from the first unparsed object to the last `}` received. No character is scanned on the way: a
 * run that starts where an object starts and parses as a list's content ends where an object of the
 * list ends (had that `}` been inside a string or a nested object, the run would have been an
 * unterminated string or unbalanced), and when it does not parse, an earlier `}` is tried or the
 * next piece awaited. Anything else — another shape, another key first, invalid JSON, a truncated
 * body — stops the stream and leaves `complete` false, so the caller reads the whole body the
 * ordinary way (and reports its errors as it always did). Items already handed over are then to be
 * discarded.
 */
export class JsonArrayStream implements BodySink {
  private state = State.Prefix;
  private expect = Expect.ItemOrEnd;
  /** Text received and not yet handed over (in Items: from a separator or an object's start on). */
  private buffer = '';
  private readonly prefix: RegExp;

  constructor(
    key: string,
    private readonly onItems: (items: unknown[]) => void,
  ) {
    this.prefix = new RegExp(`^\\s*\\{\\s*${JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:\\s*\\[`);
  }

  /** Whether the whole body had the expected shape and every item was handed over. */
  get complete(): boolean {
    return this.state === State.Done;
  }

  write(piece: string): void {
    if (this.state === State.Failed) return;
    this.buffer += piece;
    if (this.state === State.Prefix) {
      const match = this.prefix.exec(this.buffer);
      if (!match) {
        if (this.buffer.length > MAX_PREFIX) this.fail();
        return;
      }
      this.buffer = this.buffer.slice(match[0].length);
      this.state = State.Items;
    }
    if (this.state === State.Items) this.readItems();
    if (this.state === State.Suffix || this.state === State.Done) this.readSuffix();
  }

  private fail(): void {
    this.state = State.Failed;
    this.buffer = '';
  }

  private readItems(): void {
    for (;;) {
      const text = this.buffer;
      let i = 0;
      while (i < text.length && isSpace(text.charCodeAt(i))) i++;
      if (i === text.length) return;
      const c = text.charCodeAt(i);
      if (this.expect === Expect.SeparatorOrEnd) {
        if (c === COMMA) {
          this.expect = Expect.Item;
          this.buffer = text.slice(i + 1);
          continue;
        }
        if (c === CLOSE_BRACKET) {
          this.buffer = text.slice(i + 1);
          this.state = State.Suffix;
          return;
        }
        this.fail();
        return;
      }
      if (c === CLOSE_BRACKET && this.expect === Expect.ItemOrEnd) {
        this.buffer = text.slice(i + 1);
        this.state = State.Suffix;
        return;
      }
      if (c !== OPEN_BRACE) {
        this.fail();
        return;
      }
      if (!this.parseRun(text, i)) {
        if (text.length - i > MAX_UNPARSED) this.fail();
        return;
      }
    }
  }

  /** Hands over the longest run from `start` to a `}` that parses; false when none did (yet). */
  private parseRun(text: string, start: number): boolean {
    let end = text.lastIndexOf('}');
    for (let attempt = 0; attempt < ATTEMPTS_PER_PIECE && end > start; attempt++) {
      let items: unknown[] | undefined;
      try {
        items = JSON.parse(`[${text.slice(start, end + 1)}]`) as unknown[];
      } catch {
        items = undefined;
      }
      if (items !== undefined) {
        this.buffer = text.slice(end + 1);
        this.expect = Expect.SeparatorOrEnd;
        this.onItems(items);
        return true;
      }
      end = text.lastIndexOf('}', end - 1);
    }
    return false;
  }

  /** After the list: only `}` and white space may follow. */
  private readSuffix(): void {
    const text = this.buffer;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) continue;
      if (c === CLOSE_BRACE && this.state === State.Suffix) {
        this.state = State.Done;
        continue;
      }
      this.fail();
      return;
    }
    this.buffer = '';
  }
}
