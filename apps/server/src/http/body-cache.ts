import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';

import { type Request, type Response } from 'express';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

export type ContentCoding = 'br' | 'gzip' | 'identity';

/** One serialized answer and its compressed forms, each compressed once, on first demand. */
export interface CachedBody {
  /** The strong validator of the identity bytes; a compressed form's is this with a suffix. */
  readonly etag: string;
  readonly identity: Buffer;
  readonly encoded: Map<Exclude<ContentCoding, 'identity'>, Promise<Buffer>>;
  /** Each coding once its bytes exist, with its response headers laid out for `writeHead`. */
  readonly ready: Map<ContentCoding, Representation>;
}

/** One coding of a cached body, ready to write without any per-request work but the request id. */
export interface Representation {
  readonly etag: string;
  readonly bytes: Buffer;
  /** Name, value, name, value…: the headers of a 200 answer (Content-Length included). */
  readonly headers200: readonly string[];
  /** The headers of a 304 answer: the same validators, no body. */
  readonly headers304: readonly string[];
}

/**
 * Serialized answers of a read-only route, keyed by (normalised query, version of the data they were
 * built from). An answer is serialized once per version instead of on every request: the inventory's
 * answer for one query is hundreds of kilobytes of JSON and only changes when a catalogue does.
 * Entries of an older version are dropped as soon as a request sees a newer one, and at most
 * `maxEntries` queries are kept (least recently used first out), so memory is bounded by the
 * number of distinct queries, not by traffic.
 */
export class BodyCache {
  private readonly entries = new Map<string, CachedBody>();
  private version: string | null = null;

  constructor(private readonly maxEntries = 64) {}

  get size(): number {
    return this.entries.size;
  }

  get(version: string, key: string): CachedBody | undefined {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
      return undefined;
    }
    const entry = this.entries.get(key);
    if (entry) {
      // Re-inserted so Map order is recency order.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Stores `body` for (`version`, `key`) unless the data moved on meanwhile (then it is only returned). */
  set(version: string, key: string, body: Buffer): CachedBody {
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const entry: CachedBody = { etag, identity: body, encoded: new Map(), ready: new Map() };
    entry.ready.set('identity', representation(etag, 'identity', body));
    if (this.version === null || version === this.version) {
      this.version = version;
      this.entries.set(key, entry);
      for (const oldest of this.entries.keys()) {
        if (this.entries.size <= this.maxEntries) break;
        this.entries.delete(oldest);
      }
    }
    return entry;
  }
}

/** Accept-Encoding values seen, with the coding each negotiates: clients send a handful of distinct ones. */
const negotiated = new Map<string, ContentCoding>();

/**
 * The coding to answer with, from Accept-Encoding: brotli, then gzip, then none (RFC 9110 §12.5.3,
 * with `q=0` refusing a coding). Bodies this small compress in a few milliseconds, once per entry.
 */
export function negotiateCoding(acceptEncoding: string | undefined): ContentCoding {
  if (!acceptEncoding) return 'identity';
  let coding = negotiated.get(acceptEncoding);
  if (coding === undefined) {
    coding = parseAcceptEncoding(acceptEncoding);
    // Bounded: anyone can send any header; past 64 distinct values the memo starts over.
    if (negotiated.size >= 64) negotiated.clear();
    negotiated.set(acceptEncoding, coding);
  }
  return coding;
}

function parseAcceptEncoding(acceptEncoding: string): ContentCoding {
  const accepted = new Set<string>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q !== undefined && Number(q.slice(2)) <= 0) continue;
    accepted.add(name.trim());
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip') || accepted.has('x-gzip')) return 'gzip';
  return 'identity';
}

/** The entity tag of one coding of an entry: each coding is its own representation, with its own strong tag. */
export function etagFor(entry: CachedBody, coding: ContentCoding): string {
  return coding === 'identity' ? entry.etag : `${entry.etag.slice(0, -1)}-${coding}"`;
}

/** If-None-Match against `etag` (weak comparison, as RFC 9110 §13.1.2 says for this header). */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return true;
  if (header.trim() === '*') return false;
  const bare = etag.replace(/^W\//, '');
  return !header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === bare);
}

function encode(entry: CachedBody, coding: Exclude<ContentCoding, 'identity'>): Promise<Buffer> {
  let pending = entry.encoded.get(coding);
  if (!pending) {
    pending =
      coding === 'br'
        ? // Quality 5: within a few percent of the maximum's size on JSON, at a fraction of its time.
          brotliAsync(entry.identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: entry.identity.length } })
        : gzipAsync(entry.identity, { level: 6 });
    entry.encoded.set(coding, pending);
    pending.then(
      (bytes) => entry.ready.set(coding, representation(etagFor(entry, coding), coding, bytes)),
      () => undefined,
    );
  }
  return pending;
}

/** The compressed forms are made on first demand; until then only the identity bytes are ready. */
export function readyRepresentation(entry: CachedBody, coding: ContentCoding): Representation | undefined {
  return entry.ready.get(coding);
}

function representation(etag: string, coding: ContentCoding, bytes: Buffer): Representation {
  const validators = ['Content-Type', 'application/json; charset=utf-8', 'Cache-Control', 'private, no-cache', 'Vary', 'Accept-Encoding', 'ETag', etag];
  return {
    etag,
    bytes,
    headers200: [...validators, ...(coding === 'identity' ? [] : ['Content-Encoding', coding]), 'Content-Length', String(bytes.length)],
    headers304: validators,
  };
}

/**
 * Answers with a cached body: the coding the client accepts, a strong ETag, `304 Not Modified` when
 * the client already holds these bytes. `no-cache` lets a client keep the body but makes it ask
 * (cheaply, with If-None-Match) before every reuse, since the data changes with every refresh.
 */
export async function sendCachedBody(req: Request, res: Response, entry: CachedBody): Promise<void> {
  const coding = negotiateCoding(req.headers['accept-encoding']);
  const etag = etagFor(entry, coding);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('ETag', etag);
  if (!noneMatch(req.headers['if-none-match'], etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const bytes = coding === 'identity' ? entry.identity : await encode(entry, coding);
  if (coding !== 'identity') res.setHeader('Content-Encoding', coding);
  res.setHeader('Content-Length', bytes.length);
  res.end(bytes);
}
