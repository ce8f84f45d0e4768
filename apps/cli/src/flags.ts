/** Flags shared by several commands. */
import { Flags } from '@oclif/core';

/** `YYYY-MM-DD`, a real calendar day. */
export const dateFlag = Flags.custom<string>({
  helpValue: '<YYYY-MM-DD>',
  parse: async (input) => {
    const valid = /^\d{4}-\d{2}-\d{2}$/.test(input) && new Date(`${input}T00:00:00Z`).toISOString().startsWith(input);
    if (!valid) throw new Error(`Expected a date as YYYY-MM-DD, got "${input}"`);
    return input;
  },
});

/** Flags of both transfer commands. */
export const transferFlags = {
  key: Flags.string({ char: 'k', description: 'SSH private key file (the one saved with provision --save-key)', required: true, helpValue: '<path>' }),
  timeout: Flags.custom<number>({
    char: 't',
    description: 'Transfer timeout, e.g. 30s, 5m, 1h',
    default: 5 * 60_000,
    defaultHelp: async () => '5m',
    helpValue: '<duration>',
    parse: async (input) => parseDuration(input),
  })(),
};


/** `5m`, `30s`, `1h30m`, `1500ms`, or plain seconds → milliseconds. */
export function parseDuration(input: string): number {
  const text = input.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = text;
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (!match?.[1] || !match[2]) throw new Error(`"${input}" is not a duration; use e.g. 30s, 5m or 1h30m`);
    total += Number(match[1]) * (units[match[2]] ?? 0);
    rest = rest.slice(match[0].length);
  }
  if (total <= 0) throw new Error(`"${input}" must be longer than zero`);
  return Math.round(total);
}

/** The providers of GPU Shopper, for `-p/--provider`. */
export const PROVIDERS = ['vastai', 'bluelobster', 'tensordock'] as const;

/** A US-dollar amount such as 0.50 (zero or more). */
export const usdFlag = Flags.custom<number>({
  helpValue: '<usd>',
  parse: async (input) => {
    const value = Number(input);
    if (!Number.isFinite(value) || value < 0) throw new Error(`Expected an amount in USD such as 0.50, got "${input}"`);
    return value;
  },
});

/** `-m/--model`, required: the model as benchmarked (`llama3.1:8b`). */
export const modelFlag = Flags.string({ char: 'm', description: 'Model name as benchmarked (e.g. "llama3.1:8b")', required: true });

/** `--wait`/`--watch` options of benchmark runs. */
export const pollFlags = {
  interval: Flags.custom<number>({
    description: 'Poll interval while waiting, e.g. 2s, 10s',
    default: 5_000,
    defaultHelp: async () => '5s',
    helpValue: '<duration>',
    parse: async (input) => parseDuration(input),
  })(),
  timeout: Flags.custom<number>({
    description: 'Give up waiting after this long (the run goes on), e.g. 30m, 2h',
    default: 3_600_000,
    defaultHelp: async () => '1h',
    helpValue: '<duration>',
    parse: async (input) => parseDuration(input),
  })(),
};
