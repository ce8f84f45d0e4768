/**
 * `inventory -o json` without oclif. Loading oclif (config, plugins, help machinery) costs several
 * times what the command itself does — one GET and one JSON print — and scripts call it in loops.
 * Only the plain, well-formed shape is handled here; anything else (another command, `--help`, a
 * flag this parser does not know, a value it would refuse, a failed request) returns false and the
 * full CLI runs instead, so every message and exit code stays the one oclif produces.
 */
import { GpuShopper } from '@gpu-shopper/client';

import { FileAnswerCache } from './answer-cache.js';
import { answerCacheDir, apiKeyFromEnv, serverUrlFromEnv } from './env.js';
import { toJson } from './output.js';
import { inventoryWarnings, listInventory, type InventoryOptions } from './services/inventory.js';

const PROVIDERS = new Set(['vastai', 'bluelobster', 'tensordock']);
const NAMES: Record<string, string> = {
  '-p': 'provider',
  '--provider': 'provider',
  '-g': 'gpu',
  '--gpu': 'gpu',
  '--gpu-type': 'gpu',
  '--min-vram': 'min-vram',
  '--max-price': 'max-price',
  '--min-gpus': 'min-gpus',
  '--template': 'template',
  '--template-hash-id': 'template',
  '--server': 'server',
  '-o': 'output',
  '--output': 'output',
};

/** The flags of a plain `inventory -o json` call, or null when the full CLI must handle it. */
export function parseFastInventory(argv: readonly string[]): { server: string; options: InventoryOptions } | null {
  let command: string | null = null;
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-')) {
      if (command !== null) return null;
      command = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? (/^-o[a-z]+$/.test(arg) ? '-o' : arg) : arg.slice(0, eq);
    const name = NAMES[flag];
    if (!name || values.has(name)) return null;
    const value = eq !== -1 ? arg.slice(eq + 1) : flag !== arg ? arg.slice(2) : argv[++i];
    if (value === undefined || value === '') return null;
    values.set(name, value);
  }
  if (command !== 'inventory' || values.get('output') !== 'json') return null;
  const server = values.get('server') ?? serverUrlFromEnv() ?? 'http://localhost:8080';
  if (!URL.canParse(server) || !/^https?:$/.test(new URL(server).protocol)) return null;
  const int = (name: string, min: number): number | undefined | null => {
    const raw = values.get(name);
    if (raw === undefined) return undefined;
    return /^\d+$/.test(raw) && Number(raw) >= min ? Number(raw) : null;
  };
  const minVram = int('min-vram', 0);
  const minGpus = int('min-gpus', 1);
  const priceRaw = values.get('max-price');
  const maxPrice = priceRaw === undefined ? undefined : Number(priceRaw);
  const provider = values.get('provider');
  if (minVram === null || minGpus === null || (maxPrice !== undefined && !(Number.isFinite(maxPrice) && maxPrice >= 0)) || (provider !== undefined && !PROVIDERS.has(provider))) return null;
  return {
    server,
    options: { provider: provider as InventoryOptions['provider'], gpu: values.get('gpu'), minVram, maxPrice, minGpus, template: values.get('template') },
  };
}

/** Runs `inventory -o json` when `argv` is its plain form; false when the full CLI must run. */
export async function runFastPath(argv: readonly string[]): Promise<boolean> {
  const parsed = parseFastInventory(argv);
  if (!parsed) return false;
  let response;
  try {
    const client = new GpuShopper({ baseURL: parsed.server, apiKey: apiKeyFromEnv() ?? null, timeout: 30_000, maxRetries: 2, validatorCache: new FileAnswerCache(answerCacheDir()) });
    response = await listInventory(client, parsed.options);
  } catch {
    // The full CLI asks again and reports the failure as every other command does.
    return false;
  }
  for (const warning of inventoryWarnings(response)) process.stderr.write(`${warning}\n`);
  process.stdout.write(toJson(response));
  return true;
}
