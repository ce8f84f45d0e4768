/**
 * The only module that reads the environment. Commands get typed values from here; `--server`
 * reads GPU_SHOPPER_URL through oclif's flag `env` option.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';

/** The API key sent to the server: a consumer key or the admin token (GPU_SHOPPER_API_KEY). */
export function apiKeyFromEnv(): string | undefined {
  const key = process.env.GPU_SHOPPER_API_KEY?.trim();
  return key ? key : undefined;
}

/** Provider credentials for `cleanup-orphans`, in the server's variable names. */
export interface ProviderEnv {
  readonly vastai?: { readonly apiKey: string; readonly baseUrl?: string };
  readonly tensordock?: { readonly authId: string; readonly apiToken: string; readonly baseUrl?: string };
  readonly bluelobster?: { readonly apiKey: string; readonly baseUrl?: string };
  /** Variables that were half set (e.g. TENSORDOCK_AUTH_ID without TENSORDOCK_API_TOKEN). */
  readonly incomplete: string[];
  /** Where the values came from: the environment, and `.env` in the working directory when present. */
  readonly sources: string[];
}

/**
 * Reads VASTAI_API_KEY, TENSORDOCK_AUTH_ID + TENSORDOCK_API_TOKEN, BLUELOBSTER_API_KEY and their
 * `*_BASE_URL` overrides from the environment, then from `./.env` (the file the server reads too)
 * for variables the environment does not set.
 */
export function providerEnv(cwd: string = process.cwd()): ProviderEnv {
  const sources = ['environment'];
  let file: Record<string, string | undefined> = {};
  const dotEnv = path.join(cwd, '.env');
  if (existsSync(dotEnv)) {
    file = parseEnv(readFileSync(dotEnv, 'utf8'));
    sources.push(dotEnv);
  }
  const get = (name: string): string | undefined => {
    const value = (process.env[name] ?? file[name])?.trim();
    return value ? value : undefined;
  };
  const withBase = (name: string): { baseUrl?: string } => {
    const baseUrl = get(name);
    return baseUrl ? { baseUrl } : {};
  };
  const incomplete: string[] = [];
  const vastKey = get('VASTAI_API_KEY');
  const tdAuth = get('TENSORDOCK_AUTH_ID');
  const tdToken = get('TENSORDOCK_API_TOKEN');
  const blKey = get('BLUELOBSTER_API_KEY');
  if (Boolean(tdAuth) !== Boolean(tdToken)) incomplete.push(tdAuth ? 'TENSORDOCK_API_TOKEN' : 'TENSORDOCK_AUTH_ID');
  return {
    ...(vastKey ? { vastai: { apiKey: vastKey, ...withBase('VASTAI_BASE_URL') } } : {}),
    ...(tdAuth && tdToken ? { tensordock: { authId: tdAuth, apiToken: tdToken, ...withBase('TENSORDOCK_BASE_URL') } } : {}),
    ...(blKey ? { bluelobster: { apiKey: blKey, ...withBase('BLUELOBSTER_BASE_URL') } } : {}),
    incomplete,
    sources,
  };
}

/**
 * Record mode: PROVIDER_RECORD_DIR (environment, then `./.env`), where `doctor` and
 * `cleanup-orphans` write each provider request/response pair, redacted.
 */
export function recordDirFromEnv(cwd: string = process.cwd()): string | undefined {
  const fromEnv = process.env.PROVIDER_RECORD_DIR?.trim();
  if (fromEnv) return fromEnv;
  const dotEnv = path.join(cwd, '.env');
  const fromFile = existsSync(dotEnv) ? parseEnv(readFileSync(dotEnv, 'utf8')).PROVIDER_RECORD_DIR?.trim() : undefined;
  return fromFile ? fromFile : undefined;
}

/** Where the CLI keeps answers to revalidate (XDG_CACHE_HOME, else ~/.cache), under `gpu-shopper/answers`. */
export function answerCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME?.trim() || path.join(homedir(), '.cache');
  return path.join(base, 'gpu-shopper', 'answers');
}

/** GPU_SHOPPER_URL, as `--server` reads it through oclif (for the paths that run without oclif). */
export function serverUrlFromEnv(): string | undefined {
  return process.env.GPU_SHOPPER_URL;
}
