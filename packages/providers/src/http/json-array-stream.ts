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

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/**
 * Parses a body of the shape `{"<key>": [ {…}, {…}, … ]}` while it arrives: every complete object
 * of the list goes to `onItems` as soon as its last byte is in, each run of them through one
 * `JSON.parse`. Anything else — another shape, another key first, invalid JSON, a truncated body —
 * stops the stream and leaves `complete` false, so the caller reads the whole body the ordinary way
 * (and reports its errors as it always did). Items already handed over are then to be discarded.
 */
export class JsonArrayStream implements BodySink {
  private state = State.Prefix;
  private expect = Expect.ItemOrEnd;
  /** Text not yet handed over: from the first unparsed item (or the scan position) on. */
  private buffer = '';
  private pos = 0;
  private depth = 0;
  private inString = false;
  /** Start of the first item not yet parsed, or -1. */
  private batchStart = -1;
  /** Start of the item being scanned. */
  private itemStart = -1;
  /** End (exclusive) of the last complete item. */
  private lastEnd = -1;
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
    if (this.state === State.Items) this.scanItems();
    if (this.state === State.Suffix || this.state === State.Done) this.scanSuffix();
  }

  private fail(): void {
    this.state = State.Failed;
    this.buffer = '';
  }

  private scanItems(): void {
    const text = this.buffer;
    const n = text.length;
    let i = this.pos;
    let depth = this.depth;
    let inString = this.inString;
    while (i < n) {
      if (inString) {
        const quote = text.indexOf('"', i);
        if (quote < 0) {
          i = n;
          break;
        }
        let backslashes = 0;
        for (let b = quote - 1; text.charCodeAt(b) === BACKSLASH; b--) backslashes++;
        i = quote + 1;
        if (backslashes % 2 === 0) inString = false;
        continue;
      }
      const c = text.charCodeAt(i);
      if (depth > 0) {
        if (c === QUOTE) inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          depth--;
          if (depth === 0) {
            this.lastEnd = i + 1;
            this.expect = Expect.SeparatorOrEnd;
          }
        }
        i++;
        continue;
      }
      if (isSpace(c)) {
        i++;
      } else if (c === OPEN_BRACE && this.expect !== Expect.SeparatorOrEnd) {
        if (this.batchStart < 0) this.batchStart = i;
        this.itemStart = i;
        depth = 1;
        i++;
      } else if (c === COMMA && this.expect === Expect.SeparatorOrEnd) {
        this.expect = Expect.Item;
        i++;
      } else if (c === CLOSE_BRACKET && this.expect !== Expect.Item) {
        this.pos = i;
        this.depth = 0;
        this.inString = false;
        if (!this.flush()) return;
        // flush() dropped the handed-over text: the closing bracket is now at `this.pos`.
        this.buffer = this.buffer.slice(this.pos + 1);
        this.pos = 0;
        this.state = State.Suffix;
        return;
      } else {
        this.fail();
        return;
      }
    }
    this.pos = i;
    this.depth = depth;
    this.inString = inString;
    this.flush();
  }

  /** Hands over the complete items scanned so far and drops their text. False when they are not JSON. */
  private flush(): boolean {
    if (this.batchStart < 0 || this.lastEnd <= this.batchStart) return true;
    let items: unknown[];
    try {
      items = JSON.parse(`[${this.buffer.slice(this.batchStart, this.lastEnd)}]`) as unknown[];
    } catch {
      this.fail();
      return false;
    }
    const cut = this.lastEnd;
    this.buffer = this.buffer.slice(cut);
    this.pos -= cut;
    // An item under way keeps its start; otherwise the next item starts a new run.
    this.batchStart = this.depth > 0 ? this.itemStart - cut : -1;
    this.itemStart = this.depth > 0 ? this.itemStart - cut : -1;
    this.lastEnd = -1;
    this.onItems(items);
    return true;
  }

  /** After the list: only `}` and white space may follow. */
  private scanSuffix(): void {
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
