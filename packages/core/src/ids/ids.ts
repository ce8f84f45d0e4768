/**
 * Prefixed, sortable ids (`ses_01J…`): a closed prefix table so an id says what it names, and a
 * ULID-style body (48-bit millisecond time + 80 random bits, Crockford base32) so ids sort by creation.
 */
export const ID_PREFIXES = {
  session: 'ses',
  sessionEvent: 'evt',
  costEntry: 'cst',
  apiKey: 'key',
  offerFailure: 'ofl',
  deployment: 'dep',
  request: 'req',
  probe: 'prb',
  benchmarkRun: 'bch',
  benchmarkSchedule: 'bsc',
  benchmarkResult: 'bmr',
} as const;
export type IdKind = keyof typeof ID_PREFIXES;
export type IdPrefix = (typeof ID_PREFIXES)[IdKind];

/** Port: where ids come from. Tests inject a sequential generator for readable, deterministic ids. */
export interface IdGenerator {
  next(kind: IdKind): string;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
const BODY_PATTERN = new RegExp(`^[${CROCKFORD}]{${TIME_CHARS + RANDOM_CHARS}}$`);

export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${ID_PREFIXES[kind]}_[${CROCKFORD}]{${TIME_CHARS + RANDOM_CHARS}}$`);
}

/** True when `id` is a well-formed id of `kind` (used to reject garbage ids before any lookup). */
export function isId(kind: IdKind, id: string): boolean {
  const prefix = `${ID_PREFIXES[kind]}_`;
  return id.startsWith(prefix) && BODY_PATTERN.test(id.slice(prefix.length));
}

function encodeTime(ms: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < TIME_CHARS; i++) {
    out = CROCKFORD.charAt(rest % 32) + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/**
 * Monotonic within one process: two ids made in the same millisecond still sort in creation order
 * (the random part of the second is the first's plus one).
 */
export class UlidIdGenerator implements IdGenerator {
  private lastMs = -1;
  private lastRandom: number[] = [];

  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly randomBytes: (n: number) => Uint8Array = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n)),
  ) {}

  next(kind: IdKind): string {
    const ms = this.now();
    if (ms <= this.lastMs) {
      this.increment();
    } else {
      this.lastMs = ms;
      this.lastRandom = Array.from(this.randomBytes(RANDOM_CHARS), (b) => b % 32);
    }
    return `${ID_PREFIXES[kind]}_${encodeTime(this.lastMs)}${this.lastRandom.map((d) => CROCKFORD.charAt(d)).join('')}`;
  }

  private increment(): void {
    for (let i = this.lastRandom.length - 1; i >= 0; i--) {
      const digit = this.lastRandom[i] ?? 0;
      if (digit < 31) {
        this.lastRandom[i] = digit + 1;
        return;
      }
      this.lastRandom[i] = 0;
    }
    // 32^16 ids in one millisecond: borrow the next millisecond rather than repeat an id.
    this.lastMs += 1;
  }
}
